using PsLlm.FakeOpenAI;

namespace PsLlm.Tests;

/// <summary>
/// A fake OpenAI server on loopback and a session with the module imported, per test; the session
/// has <c>$client</c>, a client of that server (no retries), and <c>$endpoint</c>.
/// </summary>
public abstract class ModuleTestBase : IAsyncLifetime
{
    protected FakeOpenAIServer Server { get; private set; } = null!;
    protected PowerShellSession Session { get; private set; } = null!;

    /// <summary>A host for the session; null for PowerShell's default (no UI).</summary>
    protected virtual System.Management.Automation.Host.PSHost? CreateHost() => null;

    public async Task InitializeAsync()
    {
        Server = await FakeOpenAIServer.StartAsync();
        Session = new PowerShellSession(CreateHost());
        Session.Set("endpoint", Server.BaseUrl);
        Session.Run("$global:client = New-LlmClient -Endpoint $endpoint -Model fake-model -MaxRetries 0");
    }

    public async Task DisposeAsync()
    {
        Session.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A reply streamed as these tokens, each after <paramref name="delayMs"/>.</summary>
    protected void EnqueueTokens(IEnumerable<string> tokens, int delayMs = 0) =>
        Server.Enqueue(new FakeReply { Tokens = tokens.ToList(), DelayMs = delayMs });

    protected static IEnumerable<string> Words(int count) => Enumerable.Range(1, count).Select(i => $"w{i} ");
}
