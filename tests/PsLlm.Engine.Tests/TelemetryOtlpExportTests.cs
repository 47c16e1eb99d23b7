using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability.Telemetry;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Spans and metrics leave the process through the OpenTelemetry SDK's OTLP exporter and arrive,
/// decodable, at a loopback collector: over http/protobuf and gRPC, with headers, on Flush and on Dispose.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryOtlpExportTests : FakeServerTestBase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SpansAndMetricsArriveAtTheCollector(bool grpc)
    {
        await using var collector = await OtlpReceiver.StartAsync(grpc);
        var settings = OtlpExportSettings.Resolve(collector.BaseUri.ToString(), grpc ? OtlpTransport.Grpc : OtlpTransport.HttpProtobuf,
            new Dictionary<string, string> { ["x-api-key"] = "k3y, with=odd chars", ["Authorization"] = "Basic dXNlcjpwYXNzd29yZA==" }, "psllm-tests");
        Server.Enqueue(new FakeReply { Tokens = new() { "Hi", "!" }, PromptTokens = 6, CompletionTokens = 2 });
        using var handler = new GenAiSpanHandler(export: settings);

        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { handler });
        outcome.Ok.ToString();
        Assert.True(handler.Flush(Patience), "the exporter did not finish in time");

        var traces = collector.Requests.Where(r => r.Signal == "traces").ToArray();
        Assert.NotEmpty(traces);
        Assert.All(traces, r =>
        {
            Assert.Equal(grpc ? "/opentelemetry.proto.collector.trace.v1.TraceService/Export" : "/v1/traces", r.Path);
            Assert.Equal(grpc ? "HTTP/2" : "HTTP/1.1", r.Protocol);
            Assert.StartsWith(grpc ? "application/grpc" : "application/x-protobuf", r.Headers["Content-Type"]);
            Assert.Equal("k3y, with=odd chars", r.Headers["x-api-key"]);
            Assert.Equal("Basic dXNlcjpwYXNzd29yZA==", r.Headers["Authorization"]);
        });

        var run = outcome.Log.Events.Select(e => e.RunId.ToString()).ToHashSet();
        var spans = collector.Spans.Where(s => run.Contains(s.Attributes.GetValueOrDefault("psllm.run.id") as string ?? "")).ToArray();
        Assert.Equal(2, spans.Length);
        var chain = spans.Single(s => s.Name == "invoke_workflow Invoke-LlmChat");
        var chat = spans.Single(s => s.Name == "chat fake-model");
        Assert.Equal((1, 3), (chain.Kind, chat.Kind));
        Assert.Equal("", chain.ParentSpanId);
        Assert.Equal(chain.SpanId, chat.ParentSpanId);
        Assert.Equal(chain.TraceId, chat.TraceId);
        Assert.Equal("PsLlm", chat.ScopeName);
        Assert.Equal("psllm-tests", chat.Resource["service.name"]);
        Assert.Equal("chat", chat.Attributes["gen_ai.operation.name"]);
        Assert.Equal("openai", chat.Attributes["gen_ai.provider.name"]);
        Assert.Equal("fake-model", chat.Attributes["gen_ai.request.model"]);
        Assert.Equal((long)Server.Port, chat.Attributes["server.port"]);
        Assert.Equal(true, chat.Attributes["gen_ai.request.stream"]);
        Assert.Equal(6L, chat.Attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal(2L, chat.Attributes["gen_ai.usage.output_tokens"]);
        Assert.Equal(new object?[] { "stop" }, chat.Attributes["gen_ai.response.finish_reasons"]);
        Assert.IsType<double>(chat.Attributes["gen_ai.response.time_to_first_chunk"]);
        Assert.Equal(outcome.Ok.ResponseId, chat.Attributes["gen_ai.response.id"]);
        Assert.Equal("Invoke-LlmChat", chain.Attributes["gen_ai.workflow.name"]);
        Assert.DoesNotContain("gen_ai.input.messages", chat.Attributes.Keys);

        var metrics = collector.Metrics.Where(m => m.Points.Any(p => Equals(p.Attributes.GetValueOrDefault("server.port"), (long)Server.Port))).ToArray();
        Assert.Equal(
            new[] { "gen_ai.client.operation.duration", "gen_ai.client.operation.time_to_first_chunk", "gen_ai.client.token.usage" },
            metrics.Select(m => m.Name).Distinct().Order());
        var tokens = metrics.Where(m => m.Name == "gen_ai.client.token.usage").SelectMany(m => m.Points).ToArray();
        Assert.Equal(6, tokens.Single(p => (string?)p.Attributes["gen_ai.token.type"] == "input").Sum);
        Assert.All(metrics, m => Assert.Equal("PsLlm", m.ScopeName));
    }

    [Fact]
    public async Task DisposeExportsWhatIsStillQueued()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var handler = new GenAiSpanHandler(export: OtlpExportSettings.Resolve(collector.BaseUri + "v1/traces", OtlpTransport.HttpProtobuf, null, null));
        Server.Enqueue(new FakeReply { Text = "bye" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x" }, local: new[] { handler });
        outcome.Ok.ToString();

        handler.Dispose();

        var runs = outcome.Log.Events.Select(e => e.RunId.ToString()).ToHashSet();
        Assert.Equal(2, collector.Spans.Count(s => runs.Contains(s.Attributes.GetValueOrDefault("psllm.run.id") as string ?? "")));
        Assert.Contains(collector.Requests, r => r.Path == "/v1/traces");
        Assert.Equal("PsLlm", collector.Spans.First().Resource["service.name"]);
        Assert.False(handler.Exporting);
        Assert.True(handler.Flush(), "a disposed handler has nothing left to flush");
    }
}
