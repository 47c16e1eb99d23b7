using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability.Telemetry;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The GenAI client metrics each chat records on the "PsLlm" meter, as a MeterListener sees them.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryMetricTests : FakeServerTestBase
{
    [Fact]
    public void StreamedChatRecordsTokenUsageDurationAndTimeToFirstChunk()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "a", "b", "c" }, PromptTokens = 9, CompletionTokens = 3, Model = "fake-model-0613" });
        using var metrics = new TelemetryMeasurementCollector();
        using var spans = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { new GenAiSpanHandler() });
        outcome.Ok.ToString();

        var usage = metrics.Of("gen_ai.client.token.usage", Server.Port);
        Assert.Equal(2, usage.Count);
        Assert.All(usage, m => Assert.Equal("{token}", m.Unit));
        Assert.Equal(9, usage.Single(m => (string?)m.Tags["gen_ai.token.type"] == "input").Value);
        Assert.Equal(3, usage.Single(m => (string?)m.Tags["gen_ai.token.type"] == "output").Value);

        var duration = Assert.Single(metrics.Of("gen_ai.client.operation.duration", Server.Port));
        Assert.Equal("s", duration.Unit);
        var chat = spans.For(outcome.Log.Events).Single(s => s.DisplayName == "chat fake-model");
        Assert.Equal(chat.Duration.TotalSeconds, duration.Value, precision: 3);
        Assert.Equal("chat", duration.Tags["gen_ai.operation.name"]);
        Assert.Equal("openai", duration.Tags["gen_ai.provider.name"]);
        Assert.Equal("fake-model", duration.Tags["gen_ai.request.model"]);
        Assert.Equal("fake-model-0613", duration.Tags["gen_ai.response.model"]);
        Assert.Equal("127.0.0.1", duration.Tags["server.address"]);
        Assert.False(duration.Tags.ContainsKey("error.type"));
        Assert.False(duration.Tags.ContainsKey("psllm.run.id"));

        var firstChunk = Assert.Single(metrics.Of("gen_ai.client.operation.time_to_first_chunk", Server.Port));
        Assert.Equal(outcome.Ok.TimeToFirstToken!.Value.TotalSeconds, firstChunk.Value);
    }

    [Fact]
    public void NonStreamedChatHasNoTimeToFirstChunk()
    {
        Server.Enqueue(new FakeReply { Text = "whole", PromptTokens = 4, CompletionTokens = 1 });
        using var metrics = new TelemetryMeasurementCollector();
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x" }, local: new[] { new GenAiSpanHandler() }).Ok.ToString();

        Assert.Empty(metrics.Of("gen_ai.client.operation.time_to_first_chunk", Server.Port));
        Assert.Single(metrics.Of("gen_ai.client.operation.duration", Server.Port));
        Assert.Equal(new[] { 1.0, 4.0 }, metrics.Of("gen_ai.client.token.usage", Server.Port).Select(m => m.Value).Order());
    }

    [Fact]
    public void FailedChatRecordsItsDurationWithTheErrorType()
    {
        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "slow down" });
        using var metrics = new TelemetryMeasurementCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x" }, local: new[] { new GenAiSpanHandler() });

        Assert.Equal(LlmErrorKind.RateLimited, outcome.Failure.Kind);
        var duration = Assert.Single(metrics.Of("gen_ai.client.operation.duration", Server.Port));
        Assert.Equal("LlmRateLimited", duration.Tags["error.type"]);
        Assert.Empty(metrics.Of("gen_ai.client.token.usage", Server.Port));
    }

    [Fact]
    public void ToolChatRecordsEachModelCallsOwnTokens()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { new FakeToolCall { Id = "c1", Name = "echo", Arguments = "{}" } }, PromptTokens = 10, CompletionTokens = 4 });
        Server.Enqueue(new FakeReply { Text = "done", PromptTokens = 20, CompletionTokens = 2 });
        using var metrics = new TelemetryMeasurementCollector();
        var echo = new DelegateTool("echo", "echo", """{"type":"object","properties":{}}""", _ => "ok");
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { echo } }, local: new[] { new GenAiSpanHandler() }).Ok.ToString();

        var inputs = metrics.Of("gen_ai.client.token.usage", Server.Port).Where(m => (string?)m.Tags["gen_ai.token.type"] == "input").Select(m => m.Value);
        Assert.Equal(new[] { 10.0, 20.0 }, inputs);
        Assert.Equal(2, metrics.Of("gen_ai.client.operation.duration", Server.Port).Count);
    }
}
