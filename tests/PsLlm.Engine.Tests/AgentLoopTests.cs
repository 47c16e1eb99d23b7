using System.Text.Json.Nodes;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The tool loop: recorded exchanges replayed byte for byte, and scripted edge cases.</summary>
public sealed class AgentLoopTests : IAsyncLifetime
{
    private FakeOpenAIServer _server = null!;
    private static string ToolRecordings => Path.Combine(TestPaths.Recordings, "ChatToolTests");

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync(TestPaths.Recordings);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static (RecordedExchange[] Exchanges, JsonArray Tools) Load(string name)
    {
        var exchanges = RecordedExchange.Load(Path.Combine(ToolRecordings, name + ".json")).ToArray();
        return (exchanges, exchanges[0].Request["tools"]?.AsArray() ?? new JsonArray());
    }

    private ChatOutcome Replay(RecordedExchange first, IReadOnlyList<LlmTool> tools, EventLog? log = null)
    {
        var request = first.ToChatRequest();
        var client = ChatHarness.Client(_server, model: request.Model!);
        return ChatHarness.Run(client, new ChatRequest
        {
            Prompt = request.Prompt,
            System = request.System,
            Model = request.Model,
            Tools = tools,
        }, local: log is null ? null : new[] { log });
    }

    [Fact]
    public void ConsecutiveToolCallsRunThreeRoundsAsRecorded()
    {
        var (exchanges, definitions) = Load("ConsecutiveToolCalls");
        var weather = DelegateTool.FromRecorded(definitions[0]!["function"]!, args => (string)args["city_name"]! == "Osaka" ? "rainy" : "sunny");
        var mood = DelegateTool.FromRecorded(definitions[1]!["function"]!, args => (string)args["weather"]! == "rainy" ? "bored" : "happy");
        var outcome = Replay(exchanges[0], new LlmTool[] { weather, mood });

        var response = outcome.Ok;
        Assert.Equal(exchanges[2].ExpectedText, response.Text);
        Assert.Equal(3, response.Rounds);
        Assert.Equal(3, _server.Requests.Count);
        for (var i = 0; i < 3; i++)
            RecordingReplayTests.AssertCarriesRecordedFields(exchanges[i].Request, _server.Requests[i].Json!, $"request{i}");
        Assert.Equal("Osaka", Assert.Single(weather.Calls)["city_name"]);
        Assert.Equal("rainy", Assert.Single(mood.Calls)["weather"]);
        Assert.Equal(new[] { "rainy", "bored" }, response.ToolCalls.Select(c => c.Output));
        Assert.Equal(142 + 172 + 203, response.Usage!.TotalTokens);
        // Each LlmEnd describes its own model call, so adding them up never counts a round twice.
        Assert.Equal(new[] { 142, 172, 203 }, outcome.Log.Of<LlmEndEvent>().Select(e => e.Response.Usage!.TotalTokens));
        Assert.All(outcome.Log.Of<LlmEndEvent>(), e => Assert.Equal(1, e.Response.Rounds));
        // The turn: prompt, call, result, call, result, answer.
        Assert.Equal(new[] { "user", "assistant", "tool", "assistant", "tool", "assistant" }, response.Transcript.Select(m => m.Role));

        var log = outcome.Log;
        var chainRun = log.Events[0].RunId;
        Assert.Equal(
            new[] { "ChainStart", "Text", "ChatModelStart", "LlmEnd", "AgentAction", "ToolStart", "ToolEnd", "ChatModelStart", "LlmEnd",
                    "AgentAction", "ToolStart", "ToolEnd", "ChatModelStart", "LlmEnd", "AgentFinish", "ChainEnd" },
            log.Names.Select(n => n.ToString()));
        // chain → llm, tool, llm, tool, llm: every run's parent is the chain; each tool run has its own id.
        Assert.All(log.Events.Where(e => e.Kind is LlmEventName.ChatModelStart or LlmEventName.ToolStart), e => Assert.Equal(chainRun, e.ParentRunId));
        Assert.All(log.Of<AgentActionEvent>(), e => Assert.Equal(chainRun, e.RunId));
        var toolStart = log.Of<ToolStartEvent>().First();
        Assert.Equal(toolStart.RunId, log.Of<ToolEndEvent>().First().RunId);
        Assert.Equal("get_weather_for_city", toolStart.ToolName);
        Assert.Equal("call_of5sMdoBhqEZbvnNjZ3DSi1U", toolStart.ToolCallId);
        Assert.Equal(3, log.Of<AgentFinishEvent>().Single().Rounds);
        Assert.Same(response, log.Of<ChainEndEvent>().Single().Outputs);
    }

    [Theory]
    [InlineData("ParametersWork", "get_favorite_color_for_month", "chartreuse")]
    [InlineData("NoParameterToolWorks", "get_favorite_color", "green")]
    public void RecordedToolExchangeReplays(string name, string toolName, string result)
    {
        var (exchanges, definitions) = Load(name);
        var tool = DelegateTool.FromRecorded(definitions[0]!["function"]!, _ => result);
        var response = Replay(exchanges[0], new LlmTool[] { tool }).Ok;

        Assert.Equal(toolName, tool.Name);
        Assert.Single(tool.Calls);
        Assert.Equal(exchanges[1].ExpectedText, response.Text);
        Assert.Equal(2, _server.Requests.Count);
        for (var i = 0; i < 2; i++)
            RecordingReplayTests.AssertCarriesRecordedFields(exchanges[i].Request, _server.Requests[i].Json!, $"request{i}");
    }

    [Fact]
    public void StrictToolDefinitionIsSentAsRecorded()
    {
        var (exchanges, definitions) = Load("StructuredOutputs(WithSchema,Strict)");
        var tool = DelegateTool.FromRecorded(definitions[0]!["function"]!, args => $"{args["the_day_of_the_week"]}: blue");
        Assert.True(tool.Strict);
        var response = Replay(exchanges[0], new LlmTool[] { tool }).Ok;
        RecordingReplayTests.AssertCarriesRecordedFields(exchanges[0].Request, _server.Requests[0].Json!, "request0");
        Assert.Equal("Tuesday", Assert.Single(tool.Calls)["the_day_of_the_week"]);
        // The recording ends with the tool call; the follow-up carries the result.
        var followUp = _server.Requests[1].Json!["messages"]!.AsArray();
        Assert.Equal("Tuesday: blue", (string)followUp[^1]!["content"]!);
        Assert.Equal(2, response.Rounds);
    }

    [Fact]
    public void LegacyFunctionCallAnswerIsReadAsSuchAndRunsNothing()
    {
        // FunctionsWork uses the deprecated "functions" API; PsLlm speaks tools. Its recorded answer
        // (a legacy function_call) must be read as exactly that: no text, no tool run.
        var (exchanges, _) = Load("FunctionsWork");
        var body = exchanges[0].Request.DeepClone().AsObject();
        var replayed = _server.Recordings.Match(body);
        Assert.NotNull(replayed);
        _server.Enqueue(new FakeReply { Body = replayed!.ResponseBody!.DeepClone() });
        var tool = new DelegateTool("get_favorite_color_for_month", "d", "{}", _ => "never");
        var response = ChatHarness.Run(ChatHarness.Client(_server), new ChatRequest { Prompt = "x", Tools = new LlmTool[] { tool } }).Ok;
        Assert.Equal("function_call", response.FinishReason);
        Assert.Equal(string.Empty, response.Text);
        Assert.Empty(tool.Calls);
        Assert.Equal((int)exchanges[0].ExpectedUsage["total_tokens"]!, response.Usage!.TotalTokens);
    }
}
