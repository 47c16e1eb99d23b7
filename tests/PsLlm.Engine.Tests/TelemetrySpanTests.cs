using System.Diagnostics;
using System.Text.Json.Nodes;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability.Telemetry;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The spans GenAiSpanHandler makes, as an ActivityListener sees them: names, kinds, the run tree
/// as the span tree, GenAI attributes, errors, content only when opted in, Activity.Current restored.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetrySpanTests : FakeServerTestBase
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    private static DelegateTool Weather(Func<IReadOnlyDictionary<string, object?>, string>? run = null) =>
        new("get_weather", "weather for a city", CitySchema, run ?? (a => $"{a["city"]}: sunny"));

    private static FakeToolCall Call(string id, string name, string arguments) => new() { Id = id, Name = name, Arguments = arguments };

    private static object? Tag(Activity span, string name) => span.GetTagItem(name);

    private static Activity Named(IEnumerable<Activity> spans, string name) => Assert.Single(spans, s => s.DisplayName == name);

    private static void AssertClosed(ChatOutcome outcome)
    {
        foreach (var e in outcome.Log.Events) Assert.False(RunSpanRegistry.IsOpen(e.RunId), $"span of {e.EventName} run left open");
    }

    [Fact]
    public void PlainChatIsAWorkflowSpanWithAClientChatSpanUnderIt()
    {
        Server.Enqueue(new FakeReply { Text = "Hello there.", PromptTokens = 12, CompletionTokens = 3 });
        using var collector = new TelemetrySpanCollector();
        var request = new ChatRequest { Prompt = "hi", Temperature = 0.5, TopP = 0.9, MaxTokens = 50, Seed = 7, Stop = new[] { "END" } };
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), request, local: new[] { new GenAiSpanHandler() });

        var response = outcome.Ok;
        Assert.Null(Activity.Current);
        AssertClosed(outcome);
        var spans = collector.For(outcome.Log.Events);
        Assert.Equal(2, spans.Count);
        var chain = Named(spans, "invoke_workflow Invoke-LlmChat");
        var chat = Named(spans, "chat fake-model");

        Assert.Equal(ActivityKind.Internal, chain.Kind);
        Assert.Equal(ActivityKind.Client, chat.Kind);
        Assert.Equal(default, chain.ParentSpanId);
        Assert.Equal(chain.TraceId, chat.TraceId);
        Assert.Equal(chain.SpanId, chat.ParentSpanId);
        Assert.Equal("invoke_workflow", Tag(chain, "gen_ai.operation.name"));
        Assert.Equal("Invoke-LlmChat", Tag(chain, "gen_ai.workflow.name"));
        Assert.Equal(response.ChainRunId.ToString(), Tag(chain, "psllm.run.id"));

        Assert.Equal("chat", Tag(chat, "gen_ai.operation.name"));
        Assert.Equal("openai", Tag(chat, "gen_ai.provider.name"));
        Assert.Equal("chat_completions", Tag(chat, "openai.api.type"));
        Assert.Equal("fake-model", Tag(chat, "gen_ai.request.model"));
        Assert.Equal("127.0.0.1", Tag(chat, "server.address"));
        Assert.Equal(Server.Port, Tag(chat, "server.port"));
        Assert.Equal(0.5, Tag(chat, "gen_ai.request.temperature"));
        Assert.Equal(0.9, Tag(chat, "gen_ai.request.top_p"));
        Assert.Equal(50L, Tag(chat, "gen_ai.request.max_tokens"));
        Assert.Equal(7L, Tag(chat, "gen_ai.request.seed"));
        Assert.Equal(new[] { "END" }, Tag(chat, "gen_ai.request.stop_sequences"));
        Assert.Null(Tag(chat, "gen_ai.request.stream"));
        Assert.Equal(response.ResponseId, Tag(chat, "gen_ai.response.id"));
        Assert.StartsWith("chatcmpl", response.ResponseId);
        Assert.Equal("fake-model", Tag(chat, "gen_ai.response.model"));
        Assert.Equal(new[] { "stop" }, Tag(chat, "gen_ai.response.finish_reasons"));
        Assert.Equal(12L, Tag(chat, "gen_ai.usage.input_tokens"));
        Assert.Equal(3L, Tag(chat, "gen_ai.usage.output_tokens"));
        Assert.Null(Tag(chat, "gen_ai.response.time_to_first_chunk"));
        Assert.Equal(response.RunId.ToString(), Tag(chat, "psllm.run.id"));

        Assert.All(spans, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
        Assert.All(spans, s => Assert.DoesNotContain(s.Tags, t => t.Key is "gen_ai.input.messages" or "gen_ai.output.messages"));
        Assert.True(chat.StartTimeUtc >= chain.StartTimeUtc && chat.StartTimeUtc + chat.Duration <= chain.StartTimeUtc + chain.Duration);
    }

    [Fact]
    public void StreamedChatRecordsStreamAndTimeToFirstChunk()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "Hel", "lo", "!" }, PromptTokens = 5, CompletionTokens = 3 });
        using var collector = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi", Stream = true }, local: new[] { new GenAiSpanHandler() });

        Assert.Equal("Hello!", outcome.Ok.Text);
        Assert.Null(Activity.Current);
        var chat = Named(collector.For(outcome.Log.Events), "chat fake-model");
        Assert.Equal(true, Tag(chat, "gen_ai.request.stream"));
        var firstChunk = Assert.IsType<double>(Tag(chat, "gen_ai.response.time_to_first_chunk"));
        Assert.InRange(firstChunk, double.Epsilon, chat.Duration.TotalSeconds);
        Assert.Equal(outcome.Ok.TimeToFirstToken!.Value.TotalSeconds, firstChunk);
        Assert.Equal(5L, Tag(chat, "gen_ai.usage.input_tokens"));
        Assert.Equal(3L, Tag(chat, "gen_ai.usage.output_tokens"));
        Assert.Equal(new[] { "stop" }, Tag(chat, "gen_ai.response.finish_reasons"));
    }

    [Fact]
    public void ToolRunsAreExecuteToolSpansAndEveryModelCallReportsItsOwnUsage()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Oslo"}""") }, PromptTokens = 10, CompletionTokens = 4 });
        Server.Enqueue(new FakeReply { Text = "Sunny in Oslo.", PromptTokens = 20, CompletionTokens = 2 });
        using var collector = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "weather?", Tools = new LlmTool[] { Weather() } },
            local: new[] { new GenAiSpanHandler() });

        Assert.Equal(30, outcome.Ok.Usage!.InputTokens);
        AssertClosed(outcome);
        var spans = collector.For(outcome.Log.Events).OrderBy(s => s.StartTimeUtc).ToArray();
        Assert.Equal(new[] { "invoke_workflow Invoke-LlmChat", "chat fake-model", "execute_tool get_weather", "chat fake-model" }, spans.Select(s => s.DisplayName));
        var (chain, first, tool, second) = (spans[0], spans[1], spans[2], spans[3]);
        Assert.All(spans.Skip(1), s => Assert.Equal(chain.SpanId, s.ParentSpanId));
        Assert.All(spans, s => Assert.Equal(chain.TraceId, s.TraceId));

        Assert.Equal(ActivityKind.Internal, tool.Kind);
        Assert.Equal("execute_tool", Tag(tool, "gen_ai.operation.name"));
        Assert.Equal("get_weather", Tag(tool, "gen_ai.tool.name"));
        Assert.Equal("c1", Tag(tool, "gen_ai.tool.call.id"));
        Assert.Equal("function", Tag(tool, "gen_ai.tool.type"));
        Assert.Null(Tag(tool, "gen_ai.tool.call.arguments"));
        Assert.Null(Tag(tool, "gen_ai.tool.call.result"));
        Assert.Equal(ActivityStatusCode.Unset, tool.Status);

        Assert.Equal(new[] { "tool_calls" }, Tag(first, "gen_ai.response.finish_reasons"));
        Assert.Equal((10L, 4L), ((long)Tag(first, "gen_ai.usage.input_tokens")!, (long)Tag(first, "gen_ai.usage.output_tokens")!));
        // The last answer's response carries the whole turn (30/6); its span reports only its own call.
        Assert.Equal((20L, 2L), ((long)Tag(second, "gen_ai.usage.input_tokens")!, (long)Tag(second, "gen_ai.usage.output_tokens")!));
        Assert.True(first.StartTimeUtc + first.Duration <= tool.StartTimeUtc && tool.StartTimeUtc + tool.Duration <= second.StartTimeUtc);
    }

    [Fact]
    public void AnMcpServersToolIsAnExtensionSpanNamingItsServer()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Oslo"}""") } });
        Server.Enqueue(new FakeReply { Text = "Sunny." });
        using var collector = new TelemetrySpanCollector();
        var tool = new DelegateTool("get_weather", "weather", CitySchema, a => "sunny") { FromMcpServer = "weather-server" };
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { tool } }, local: new[] { new GenAiSpanHandler() });

        Assert.Equal("Sunny.", outcome.Ok.Text);
        var span = Named(collector.For(outcome.Log.Events), "execute_tool get_weather");
        Assert.Equal("extension", Tag(span, "gen_ai.tool.type"));
        Assert.Equal("weather-server", Tag(span, "psllm.mcp.server"));
    }

    [Fact]
    public void FailingToolIsAnErrorSpanWhileTheChatGoesOn()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Atlantis"}""") } });
        Server.Enqueue(new FakeReply { Text = "No weather there." });
        using var collector = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server),
            new ChatRequest { Prompt = "x", Tools = new LlmTool[] { Weather(_ => throw new InvalidOperationException("city not found")) } },
            local: new[] { new GenAiSpanHandler() });

        Assert.Equal("No weather there.", outcome.Ok.Text);
        var spans = collector.For(outcome.Log.Events);
        var tool = Named(spans, "execute_tool get_weather");
        Assert.Equal(ActivityStatusCode.Error, tool.Status);
        Assert.Equal("city not found", tool.StatusDescription);
        Assert.Equal("System.InvalidOperationException", Tag(tool, "error.type"));
        Assert.Equal(ActivityStatusCode.Unset, Named(spans, "invoke_workflow Invoke-LlmChat").Status);
    }

    [Fact]
    public void FailedChatEndsBothSpansWithTheErrorAndRestoresTheCurrentActivity()
    {
        Server.Enqueue(new FakeReply { Status = 500, ErrorMessage = "upstream exploded" });
        using var collector = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { new GenAiSpanHandler() });

        Assert.Equal(LlmErrorKind.ServerError, outcome.Failure.Kind);
        Assert.Null(Activity.Current);
        AssertClosed(outcome);
        var spans = collector.For(outcome.Log.Events);
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s =>
        {
            Assert.Equal(ActivityStatusCode.Error, s.Status);
            Assert.Equal("LlmServerError", Tag(s, "error.type"));
            Assert.Equal(outcome.Failure.Message, s.StatusDescription);
        });
        var chat = Named(spans, "chat fake-model");
        Assert.Null(Tag(chat, "gen_ai.response.id"));
        Assert.Null(Tag(chat, "gen_ai.usage.input_tokens"));
    }

    [Fact]
    public void CancelledChatIsAnErrorSpanOfTypeLlmCancelled()
    {
        Server.Enqueue(new FakeReply { Tokens = Enumerable.Range(0, 10).Select(i => $"t{i} ").ToList(), DelayMs = 50 });
        using var collector = new TelemetrySpanCollector();
        using var stop = new CancellationTokenSource();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true },
            local: new CallbackHandler[] { new GenAiSpanHandler(), new CancelOnFirstToken(stop) }, cancellationToken: stop.Token);

        Assert.IsType<OperationCanceledException>(outcome.Error);
        Assert.Null(Activity.Current);
        AssertClosed(outcome);
        Assert.All(collector.For(outcome.Log.Events), s => Assert.Equal("LlmCancelled", Tag(s, "error.type")));
    }

    [Fact]
    public void ContentIsRecordedOnlyWhenOptedIn()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Oslo"}""") } });
        Server.Enqueue(new FakeReply { Text = "Sunny." });
        using var collector = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server),
            new ChatRequest { Prompt = "weather in Oslo?", System = "Be terse.", Tools = new LlmTool[] { Weather() } },
            local: new[] { new GenAiSpanHandler(captureContent: true) });

        outcome.Ok.ToString();
        var spans = collector.For(outcome.Log.Events).OrderBy(s => s.StartTimeUtc).ToArray();
        var (chain, first, tool, second) = (spans[0], spans[1], spans[2], spans[3]);

        var input = Json(first, "gen_ai.input.messages").AsArray();
        Assert.Equal(new[] { "system", "user" }, input.Select(m => (string)m!["role"]!));
        Assert.Equal("Be terse.", (string)input[0]!["parts"]![0]!["content"]!);
        Assert.Equal("text", (string)input[1]!["parts"]![0]!["type"]!);
        Assert.Equal("weather in Oslo?", (string)input[1]!["parts"]![0]!["content"]!);
        Assert.Equal("tool_call", (string)Json(first, "gen_ai.output.messages")[0]!["finish_reason"]!);

        var history = Json(second, "gen_ai.input.messages").AsArray();
        Assert.Equal(new[] { "system", "user", "assistant", "tool" }, history.Select(m => (string)m!["role"]!));
        var call = history[2]!["parts"]![0]!;
        Assert.Equal(("tool_call", "c1", "get_weather", "Oslo"), ((string)call["type"]!, (string)call["id"]!, (string)call["name"]!, (string)call["arguments"]!["city"]!));
        var result = history[3]!["parts"]![0]!;
        Assert.Equal(("tool_call_response", "c1", "Oslo: sunny"), ((string)result["type"]!, (string)result["id"]!, (string)result["response"]!));
        var answer = Json(second, "gen_ai.output.messages")[0]!;
        Assert.Equal(("assistant", "stop", "Sunny."), ((string)answer["role"]!, (string)answer["finish_reason"]!, (string)answer["parts"]![0]!["content"]!));

        Assert.Equal("""{"city":"Oslo"}""", Tag(tool, "gen_ai.tool.call.arguments"));
        Assert.Equal("Oslo: sunny", Tag(tool, "gen_ai.tool.call.result"));
        Assert.Equal("weather in Oslo?", (string)Json(chain, "gen_ai.input.messages")[1]!["parts"]![0]!["content"]!);
        Assert.Equal("Sunny.", (string)Json(chain, "gen_ai.output.messages")[0]!["parts"]![0]!["content"]!);
    }

    [Fact]
    public void TheEnvironmentVariableOptsInUnlessTheSwitchSaysOtherwise()
    {
        var saved = Environment.GetEnvironmentVariable(ContentCapture.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(ContentCapture.EnvironmentVariable, null);
            Assert.False(ContentCapture.Resolve(null));
            Assert.True(ContentCapture.Resolve(true));
            Environment.SetEnvironmentVariable(ContentCapture.EnvironmentVariable, "TRUE");
            Assert.True(ContentCapture.Resolve(null));
            Assert.False(ContentCapture.Resolve(false));
            Environment.SetEnvironmentVariable(ContentCapture.EnvironmentVariable, "1");
            Assert.False(ContentCapture.Resolve(null));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContentCapture.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void ChainsNestUnderTheCallersSpanAndChatsUnderTheirChain()
    {
        Server.Enqueue(new FakeReply { Text = "one" });
        Server.Enqueue(new FakeReply { Text = "two" });
        using var collector = new TelemetrySpanCollector();
        var handler = new GenAiSpanHandler();
        var client = ChatHarness.Client(Server);
        var log = new EventLog();
        using var outer = TelemetrySpanCollector.TestSource.StartActivity("caller's own span")!;
        Assert.NotNull(outer);

        var scope = new CallbackScope { Local = new CallbackHandler[] { handler, log } };
        var answers = ChainRunner.Run("summarize", new Dictionary<string, object?>(), scope, new CollectingErrorSink(), () => new[]
        {
            ChatHarness.Run(client, new ChatRequest { Prompt = "a" }, local: new[] { handler }),
            ChatHarness.Run(client, new ChatRequest { Prompt = "b" }, local: new[] { handler }),
        });

        Assert.Same(outer, Activity.Current);
        var events = log.Events.Concat(answers.SelectMany(a => a.Log.Events)).ToArray();
        var spans = collector.For(events);
        Assert.Equal(5, spans.Count);
        var workflow = Named(spans, "invoke_workflow summarize");
        Assert.Equal(outer.SpanId, workflow.ParentSpanId);
        Assert.Equal(outer.TraceId, workflow.TraceId);
        var chats = spans.Where(s => s.DisplayName == "invoke_workflow Invoke-LlmChat").ToArray();
        Assert.Equal(2, chats.Length);
        Assert.All(chats, c => Assert.Equal(workflow.SpanId, c.ParentSpanId));
        Assert.All(spans.Where(s => s.DisplayName == "chat fake-model"), s => Assert.Contains(chats, c => c.SpanId == s.ParentSpanId));
    }

    [Fact]
    public void ARunSeenByTwoHandlersGetsOneSpan()
    {
        Server.Enqueue(new FakeReply { Text = "once" });
        using var collector = new TelemetrySpanCollector();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x" },
            local: new[] { new GenAiSpanHandler(), new GenAiSpanHandler(captureContent: true) });

        outcome.Ok.ToString();
        Assert.Equal(new[] { "chat fake-model", "invoke_workflow Invoke-LlmChat" }, collector.For(outcome.Log.Events).Select(s => s.DisplayName).Order());
        Assert.Null(Activity.Current);
    }

    [Fact]
    public void WithoutListenersNothingIsRecordedAndNothingLeaks()
    {
        Server.Enqueue(new FakeReply { Text = "quiet" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { new GenAiSpanHandler() });
        Assert.Equal("quiet", outcome.Ok.Text);
        Assert.Empty(outcome.Sink.Reports);
        Assert.Null(Activity.Current);
        AssertClosed(outcome);
    }

    [Fact]
    public void TheModelRequestNestsUnderTheChatSpan()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "a", "b" } });
        using var collector = new TelemetrySpanCollector();
        var http = new List<Activity>();
        using var httpListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (http) http.Add(activity); },
        };
        ActivitySource.AddActivityListener(httpListener);
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { new GenAiSpanHandler() });

        outcome.Ok.ToString();
        var chat = Named(collector.For(outcome.Log.Events), "chat fake-model");
        Activity request;
        lock (http) request = Assert.Single(http, a => a.TraceId == chat.TraceId);
        Assert.Equal(chat.SpanId, request.ParentSpanId);
        Assert.Equal($"00-{chat.TraceId}-{request.SpanId}-01", Server.Requests.Single().Headers["traceparent"]);
    }

    private static JsonNode Json(Activity span, string tag) =>
        JsonNode.Parse(Assert.IsType<string>(Tag(span, tag)))!;

    private sealed class CancelOnFirstToken : CallbackHandler
    {
        private readonly CancellationTokenSource _stop;
        public CancelOnFirstToken(CancellationTokenSource stop) => _stop = stop;
        public override void OnLlmNewToken(LlmNewTokenEvent e) => _stop.Cancel();
    }
}
