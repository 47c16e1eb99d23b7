using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The tool loop's safety rules and failure paths, against scripted replies.</summary>
public sealed class AgentEdgeCaseTests : FakeServerTestBase
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city"],"additionalProperties":false}""";

    private static DelegateTool Weather(Func<IReadOnlyDictionary<string, object?>, string>? run = null, bool approval = false) =>
        new("get_weather", "weather for a city", CitySchema, run ?? (a => $"{a["city"]}: sunny"), requireApproval: approval);

    private static FakeToolCall Call(string id, string name, string arguments) => new() { Id = id, Name = name, Arguments = arguments };

    [Fact]
    public void SeveralStreamedCallsInOneAnswerAllRunAndAllResultsGoBack()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Oslo"}"""), Call("c2", "get_weather", """{"city":"Rome","days":2}""") } });
        Server.Enqueue(new FakeReply { Tokens = new() { "Oslo sunny, ", "Rome sunny." } });
        var tool = Weather();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true, Tools = new LlmTool[] { tool } });

        Assert.Equal("Oslo sunny, Rome sunny.", outcome.Ok.Text);
        Assert.Equal(new object?[] { "Oslo", "Rome" }, tool.Calls.Select(c => c["city"]));
        Assert.Equal(2L, tool.Calls[1]["days"]);
        var second = Server.Requests[1].Json!["messages"]!.AsArray();
        Assert.Equal("c1", (string)second[^2]!["tool_call_id"]!);
        Assert.Equal("Oslo: sunny", (string)second[^2]!["content"]!);
        Assert.Equal("c2", (string)second[^1]!["tool_call_id"]!);
        Assert.Equal(2, (int)second[^3]!["tool_calls"]!.AsArray().Count);
        Assert.NotNull(Server.Requests[0].Json!["tools"]);
    }

    [Theory]
    [InlineData("delete_everything", """{"city":"Oslo"}""", "There is no tool named 'delete_everything'")]
    [InlineData("get_weather", """{"town":"Oslo"}""", "has no parameter 'town'")]
    [InlineData("get_weather", """{"city":"Oslo","days":30}""", "must be at most 7")]
    [InlineData("get_weather", """{"city":42}""", "must be string")]
    [InlineData("get_weather", """{}""", "city is required")]
    [InlineData("get_weather", "not json", "not valid JSON")]
    public void CallsOutsideTheContractBecomeToolErrorsAndNeverRun(string name, string arguments, string expected)
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", name, arguments) } });
        Server.Enqueue(new FakeReply { Text = "sorry" });
        var tool = Weather();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { tool } });

        Assert.Equal("sorry", outcome.Ok.Text);
        Assert.Empty(tool.Calls);
        var error = Assert.Single(outcome.Log.Of<ToolErrorEvent>());
        Assert.Contains(expected, error.Error.Message);
        Assert.Empty(outcome.Log.Of<ToolEndEvent>());
        var fedBack = (string)Server.Requests[1].Json!["messages"]!.AsArray()[^1]!["content"]!;
        Assert.StartsWith("Error: ", fedBack);
        Assert.Contains(expected, fedBack);
        Assert.False(outcome.Ok.ToolCalls.Single().Succeeded);
    }

    [Fact]
    public void ThrowingToolIsReportedAndTheModelRecovers()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Atlantis"}""") } });
        Server.Enqueue(new FakeReply { Text = "Atlantis has no weather service." });
        var tool = Weather(_ => throw new InvalidOperationException("city not found"));
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { tool } });
        Assert.Equal("Atlantis has no weather service.", outcome.Ok.Text);
        Assert.Equal("Error: city not found", (string)Server.Requests[1].Json!["messages"]!.AsArray()[^1]!["content"]!);
        Assert.Equal("city not found", outcome.Log.Of<ToolErrorEvent>().Single().Error.Message);
    }

    [Fact]
    public void TooManyRoundsIsAClearErrorThatKeepsTheTranscript()
    {
        for (var i = 0; i < 3; i++) Server.Enqueue(new FakeReply { ToolCalls = new() { Call($"c{i}", "get_weather", """{"city":"Oslo"}""") } });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { Weather() }, MaxToolRounds = 2 });
        var error = outcome.Failure;
        Assert.Equal(LlmErrorKind.ToolRoundsExceeded, error.Kind);
        Assert.Equal("LlmMaxToolRoundsExceeded", error.ErrorId);
        Assert.Contains("2 rounds", error.Message);
        Assert.Equal(2, error.PartialResponse!.ToolCalls.Count);
        Assert.Equal(new[] { "user", "assistant", "tool", "assistant", "tool", "assistant" }, error.PartialResponse.Transcript.Select(m => m.Role));
        Assert.Single(outcome.Log.Of<ChainErrorEvent>());
        Assert.Empty(outcome.Log.Of<LlmErrorEvent>()); // every model call itself succeeded
    }

    [Fact]
    public void DeclinedApprovalRunsNothingAndTellsTheModel()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "get_weather", """{"city":"Oslo"}""") } });
        Server.Enqueue(new FakeReply { Text = "ok, not run" });
        var tool = Weather(approval: true);
        var asked = new List<string>();
        var log = new EventLog();
        var options = new RunOptions
        {
            LocalHandlers = new[] { log },
            ErrorSink = new CollectingErrorSink(),
            ApproveTool = (t, c) => { asked.Add($"{t.Name} {c.Arguments}"); return false; },
        };
        var response = new ChatRunner(ChatHarness.Client(Server)).Invoke(new ChatRequest { Prompt = "x", Tools = new LlmTool[] { tool } }, options, default);
        Assert.Equal("ok, not run", response.Text);
        Assert.Empty(tool.Calls);
        Assert.Equal(new[] { """get_weather {"city":"Oslo"}""" }, asked);
        Assert.False(response.ToolCalls.Single().Executed);
        Assert.Contains("Not executed", (string)Server.Requests[1].Json!["messages"]!.AsArray()[^1]!["content"]!);
        Assert.Contains("Not executed", log.Of<ToolEndEvent>().Single().Output);
    }

    [Fact]
    public void RequestHandlersReachAChatNestedInATool()
    {
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "summarize", "{}") } });
        Server.Enqueue(new FakeReply { Text = "nested answer" });
        Server.Enqueue(new FakeReply { Text = "final" });
        var requestLog = new EventLog("request");
        var client = ChatHarness.Client(Server);
        Guid? toolRun = null;
        var summarize = new DelegateTool("summarize", "d", "", _ =>
        {
            toolRun = CallbackManager.Current!.RunId;
            return ChatHarness.Run(client, new ChatRequest { Prompt = "inner" }).Ok.Text;
        });
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "outer", Tools = new LlmTool[] { summarize }, Callbacks = new CallbackHandler[] { requestLog } });
        Assert.Equal("final", outcome.Ok.Text);
        var innerChain = requestLog.Of<ChainStartEvent>().Single(e => (string?)e.Inputs["prompt"] == "inner");
        Assert.Equal(toolRun, innerChain.ParentRunId);
        Assert.Equal(requestLog.Of<ToolStartEvent>().Single().RunId, toolRun);
        Assert.Equal("nested answer", outcome.Ok.ToolCalls.Single().Output);
    }

    [Fact]
    public void ChainRunParentsEveryChatInside()
    {
        Server.Enqueue(new FakeReply { Text = "one" });
        Server.Enqueue(new FakeReply { Text = "two" });
        var log = new EventLog();
        var client = ChatHarness.Client(Server);
        var outputs = ChainRunner.Run("pipeline", new Dictionary<string, object?>(), new CallbackScope { Inheritable = new[] { log } }, new CollectingErrorSink(),
            () => new[] { ChatHarness.Run(client, new ChatRequest { Prompt = "a" }).Ok.Text, ChatHarness.Run(client, new ChatRequest { Prompt = "b" }).Ok.Text });
        Assert.Equal(new[] { "one", "two" }, outputs);
        var root = log.Of<ChainStartEvent>().Single(e => e.Name == "pipeline");
        Assert.Null(root.ParentRunId);
        Assert.Equal(2, log.Of<ChainStartEvent>().Count(e => e.ParentRunId == root.RunId));
        Assert.Same(outputs, log.Of<ChainEndEvent>().Single(e => e.Name == "pipeline").Outputs);
    }

    [Fact]
    public void FailingChainRaisesChainError()
    {
        var log = new EventLog();
        Assert.Throws<InvalidOperationException>(() => ChainRunner.Run<int>("broken", new Dictionary<string, object?>(), new CallbackScope { Inheritable = new[] { log } }, new CollectingErrorSink(),
            () => throw new InvalidOperationException("step failed")));
        Assert.Equal(new[] { LlmEventName.ChainStart, LlmEventName.ChainError }, log.Names);
        Assert.Equal("step failed", log.Of<ChainErrorEvent>().Single().Error.Message);
    }

    [Fact]
    public void JsonSchemaIsSentAndAnswersThatAreNotJsonFail()
    {
        Server.Enqueue(new FakeReply { Text = """{"answer":"same","steps":["a"]}""" });
        var schema = """{"type":"object","properties":{"answer":{"type":"string"},"steps":{"type":"array","items":{"type":"string"}}},"required":["answer","steps"],"additionalProperties":false}""";
        var request = new ChatRequest { Prompt = "x", ResponseFormat = ResponseFormatSpec.JsonSchema("test_schema", schema) };
        Assert.Equal("""{"answer":"same","steps":["a"]}""", ChatHarness.Run(ChatHarness.Client(Server), request).Ok.Text);
        var sent = Server.Requests[0].Json!["response_format"]!;
        Assert.Equal("json_schema", (string)sent["type"]!);
        Assert.Equal("test_schema", (string)sent["json_schema"]!["name"]!);
        Assert.True((bool)sent["json_schema"]!["strict"]!);

        Server.Enqueue(new FakeReply { Text = "Sure! Here is your JSON: {" });
        var error = ChatHarness.Run(ChatHarness.Client(Server), request).Failure;
        Assert.Equal("LlmInvalidJson", error.ErrorId);
        Assert.Equal("Sure! Here is your JSON: {", error.PartialText);

        Server.Enqueue(new FakeReply { Refusal = "I can't help with that." });
        var refused = ChatHarness.Run(ChatHarness.Client(Server), request).Failure;
        Assert.Equal(LlmErrorKind.Refused, refused.Kind);
        Assert.Equal("I can't help with that.", refused.PartialResponse!.Refusal);
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("required", "required")]
    [InlineData("get_weather", null)]
    public void ToolChoiceIsSent(string choice, string? expected)
    {
        Server.Enqueue(new FakeReply { Text = "fine" });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { Weather() }, ToolChoice = choice });
        var sent = Server.Requests[0].Json!["tool_choice"]!;
        if (expected is null) Assert.Equal("get_weather", (string)sent["function"]!["name"]!);
        else Assert.Equal(expected, (string)sent!);
    }

    [Theory]
    [InlineData("LlmUnknownToolChoice", "nope")]
    [InlineData("LlmDuplicateToolName", null)]
    public void BadToolRequestsAreRejectedBeforeSending(string errorId, string? choice)
    {
        var tools = choice is null ? new LlmTool[] { Weather(), Weather() } : new LlmTool[] { Weather() };
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = tools, ToolChoice = choice });
        Assert.Equal(errorId, outcome.Failure.ErrorId);
        Assert.Empty(Server.Requests);
    }
}
