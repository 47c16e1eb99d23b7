using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Bad input is rejected with a specific error before any request is sent.</summary>
public sealed class ValidationTests : FakeServerTestBase
{
    public static TheoryData<string, ChatRequest> BadRequests() => new()
    {
        { "LlmEmptyPrompt", new ChatRequest { Prompt = "  " } },
        { "LlmTemperatureOutOfRange", new ChatRequest { Prompt = "x", Temperature = 2.5 } },
        { "LlmTemperatureOutOfRange", new ChatRequest { Prompt = "x", Temperature = -0.1 } },
        { "LlmTopPOutOfRange", new ChatRequest { Prompt = "x", TopP = 1.5 } },
        { "LlmMaxTokensNotPositive", new ChatRequest { Prompt = "x", MaxTokens = 0 } },
        { "LlmTooManyStopSequences", new ChatRequest { Prompt = "x", Stop = new[] { "a", "b", "c", "d", "e" } } },
        { "LlmInvalidReasoningEffort", new ChatRequest { Prompt = "x", ReasoningEffort = "extreme" } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void RejectedBeforeAnyRequest(string errorId, ChatRequest request)
    {
        var log = new EventLog();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), request, local: new[] { log });
        Assert.Equal(errorId, outcome.Failure.ErrorId);
        Assert.Equal(LlmErrorKind.InvalidInput, outcome.Failure.Kind);
        Assert.NotNull(outcome.Failure.ParameterName);
        Assert.Empty(Server.Requests);
        Assert.Empty(log.Events);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/v1")]
    [InlineData("/relative/v1")]
    [InlineData("")]
    [InlineData("https://user:pw@example.com/v1")]
    public void MalformedEndpointsAreRejected(string endpoint)
    {
        var error = Assert.Throws<LlmException>(() => EndpointRules.Parse(endpoint));
        Assert.Equal("LlmInvalidEndpoint", error.ErrorId);
        Assert.Equal("Endpoint", error.ParameterName);
    }

    [Fact]
    public void OpenAIWithoutKeyIsRejectedBeforeSending()
    {
        var client = new LlmClient(LlmClient.OpenAIEndpoint, null, "gpt-4o-mini");
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x" });
        Assert.Equal("LlmApiKeyMissing", outcome.Failure.ErrorId);
        Assert.Equal(LlmErrorKind.Authentication, outcome.Failure.Kind);
    }

    [Theory]
    [InlineData("LlmNewToken", LlmEventName.LlmNewToken)]
    [InlineData("llmend", LlmEventName.LlmEnd)]
    [InlineData("PsLlm.ChainStart", LlmEventName.ChainStart)]
    public void EventNamesParse(string name, LlmEventName expected) =>
        Assert.Equal(new[] { expected }, EventNameParser.Parse(new[] { name }));

    [Fact]
    public void StarMeansAllEvents() => Assert.Null(EventNameParser.Parse(new[] { "LlmEnd", "*" }));

    [Theory]
    [InlineData("LlmToken")]
    [InlineData("3")]
    [InlineData("")]
    public void UnknownEventNamesListTheValidOnes(string name)
    {
        var error = Assert.Throws<LlmException>(() => EventNameParser.Parse(new[] { name }));
        Assert.Equal("LlmUnknownEventName", error.ErrorId);
        Assert.Contains("LlmNewToken", error.Message);
    }
}
