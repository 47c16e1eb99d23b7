using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The API key and secret headers never reach messages, events or string forms.</summary>
public sealed class SecretTests : FakeServerTestBase
{
    private const string HeaderSecret = "hdr-secret-value-998877";

    [Fact]
    public void KeyEchoedByTheServerIsRedacted()
    {
        // OpenAI's 401 echoes part of the key; a careless server may echo all of it.
        Server.Enqueue(new FakeReply { Status = 401, ErrorMessage = $"Incorrect API key provided: {ChatHarness.ApiKey}. Also {HeaderSecret}.", ErrorCode = "invalid_api_key" });
        var client = ChatHarness.Client(Server, headers: new Dictionary<string, string> { ["X-Secret"] = HeaderSecret });
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x", Stream = true });
        var error = outcome.Failure;
        AssertClean(error.ToString());
        AssertClean(error.Message);
        foreach (var e in outcome.Log.Events)
        {
            AssertClean(e.ToString());
            AssertClean(e.Summary);
            if (e is LlmErrorEvent le) AssertClean(le.Error.Message);
        }
        AssertClean(client.ToString());
        Assert.Contains(SecretRedactor.Mask, error.Message);
    }

    [Fact]
    public void ClientShowsNoSecrets()
    {
        var client = ChatHarness.Client(Server, headers: new Dictionary<string, string> { ["X-Secret"] = HeaderSecret });
        Assert.True(client.HasApiKey);
        Assert.Equal(new[] { "X-Secret" }, client.HeaderNames);
        foreach (var property in typeof(LlmClient).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            AssertClean(Convert.ToString(property.GetValue(client)));
    }

    [Theory]
    [InlineData("Incorrect API key provided: sk-abc***************xyz. You can find", "Incorrect API key provided: [redacted]. You can find")]
    [InlineData("key sk-proj-ABCDEFGHIJKLMNOP used", "key [redacted] used")]
    public void RedactorMasksKeyShapes(string input, string expected) =>
        Assert.Equal(expected, new SecretRedactor(Array.Empty<string>()).Redact(input));

    private static void AssertClean(string? text)
    {
        Assert.DoesNotContain(ChatHarness.ApiKey, text ?? string.Empty);
        Assert.DoesNotContain("SECRETKEY", text ?? string.Empty);
        Assert.DoesNotContain(HeaderSecret, text ?? string.Empty);
    }
}
