using System.Security;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;

namespace PsLlm.Engine.Tests;

/// <summary>Builds clients for the fake server and runs chats through the engine, collecting what happened.</summary>
internal static class ChatHarness
{
    public const string ApiKey = "sk-test-SECRETKEY-0123456789abcdef";

    public static SecureString Secure(string value)
    {
        var secure = new SecureString();
        foreach (var c in value) secure.AppendChar(c);
        return secure;
    }

    public static LlmClient Client(
        FakeOpenAIServer server,
        string? apiKey = ApiKey,
        string model = "fake-model",
        int maxRetries = 0,
        IDictionary<string, string>? headers = null,
        IEnumerable<CallbackHandler>? callbacks = null,
        TimeSpan? timeout = null) =>
        new(server.BaseUri, apiKey is null ? null : Secure(apiKey), model, maxRetries: maxRetries, headers: headers, callbacks: callbacks, timeout: timeout);

    public static ChatOutcome Run(
        LlmClient client,
        ChatRequest request,
        IReadOnlyList<CallbackHandler>? local = null,
        IRunPump? pump = null,
        CancellationToken cancellationToken = default,
        CallbackManager? parent = null)
    {
        var log = new EventLog();
        var sink = new CollectingErrorSink();
        var options = new RunOptions
        {
            LocalHandlers = (local ?? Array.Empty<CallbackHandler>()).Append(log).ToArray(),
            Pump = pump,
            ErrorSink = sink,
            Parent = parent,
        };
        try
        {
            var response = new ChatRunner(client).Invoke(request, options, cancellationToken);
            return new ChatOutcome(response, null, log, sink);
        }
        catch (Exception error)
        {
            return new ChatOutcome(null, error, log, sink);
        }
    }
}

internal sealed record ChatOutcome(ChatResponse? Response, Exception? Error, EventLog Log, CollectingErrorSink Sink)
{
    public ChatResponse Ok => Response ?? throw new Xunit.Sdk.XunitException("Chat failed: " + Error);
    public LlmException Failure => Error as LlmException ?? (Error?.InnerException as LlmException)
        ?? throw new Xunit.Sdk.XunitException("Expected an LlmException, got " + (Error?.ToString() ?? "success"));
}
