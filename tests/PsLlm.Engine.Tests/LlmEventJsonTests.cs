using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsLlm.Engine.Observability;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Every event has one JSON form: common fields, its own fields, and nothing of the content when asked.</summary>
public sealed class LlmEventJsonTests
{
    /// <summary>Text that appears in every content position of <see cref="SampleEvents"/>.</summary>
    internal const string Content = "CONTENT-7f3a\nsecond line";

    internal static readonly Guid ChainRun = Guid.Parse("11111111-1111-1111-1111-111111111111");
    internal static readonly Guid LlmRun = Guid.Parse("22222222-2222-2222-2222-222222222222");
    internal static readonly DateTimeOffset At = new(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    /// <summary>One event of every kind, stamped, with <see cref="Content"/> wherever text goes.</summary>
    internal static IReadOnlyList<LlmEvent> SampleEvents()
    {
        var messages = new[]
        {
            new ChatMessage("system", Content),
            new ChatMessage("user", new[] { Content, "part two" }),
            new ChatMessage("assistant", string.Empty) { ToolCalls = new[] { new ToolCall("call_1", "add", "{\"a\":\"" + Content + "\"}") } },
            new ChatMessage("tool", Content) { ToolCallId = "call_1", Name = "add" },
        };
        var response = new ChatResponse
        {
            Text = Content,
            Model = "fake-model-2025",
            FinishReason = "stop",
            Usage = new TokenUsage { InputTokens = 11, OutputTokens = 22, TotalTokens = 33, ReasoningTokens = 4, CachedInputTokens = 5 },
            RunId = LlmRun,
            ChainRunId = ChainRun,
            Duration = TimeSpan.FromMilliseconds(1234.5),
            TimeToFirstToken = TimeSpan.FromMilliseconds(56.7),
            ResponseId = "chatcmpl-abc",
            Messages = messages,
            ToolCalls = new[] { new ToolCallResult { Call = new ToolCall("call_1", "add", Content), Output = Content, Succeeded = true, Executed = true, Duration = TimeSpan.FromMilliseconds(3) } },
        };
        var error = new LlmException(LlmErrorKind.RateLimited, "LlmRateLimited", "Slow down.") { StatusCode = 429, ServerErrorCode = "rate_limit", RetryAfter = TimeSpan.FromSeconds(2) };
        var chain = new LlmEvent[]
        {
            new ChainStartEvent { Name = "Invoke-LlmChat", Inputs = new Dictionary<string, object?> { ["prompt"] = Content, ["history"] = messages } },
            new TextEvent { Text = Content },
            new AgentActionEvent { ToolName = "add", ToolCallId = "call_1", Arguments = Content },
            new AgentFinishEvent { Output = Content, Rounds = 2 },
            new ChainEndEvent { Name = "Invoke-LlmChat", Outputs = response, Duration = TimeSpan.FromSeconds(2) },
            new ChainErrorEvent { Name = "Invoke-LlmChat", Error = error, PartialText = Content },
        };
        var llm = new LlmEvent[]
        {
            new ChatModelStartEvent
            {
                Messages = messages, Model = "fake-model", Endpoint = "http://127.0.0.1:1234/v1",
                InvocationParameters = new Dictionary<string, object?> { ["model"] = "fake-model", ["stream"] = true, ["temperature"] = 0.5, ["stop"] = new[] { "x" } },
            },
            new LlmStartEvent { Prompts = new[] { Content } },
            new LlmNewTokenEvent { Token = Content, Index = 3, Count = 2, Chunk = new ChatToken { Text = Content, Index = 3, RunId = LlmRun, Elapsed = TimeSpan.FromMilliseconds(80) } },
            new RetryEvent { Attempt = 1, StatusCode = 503, Delay = TimeSpan.FromMilliseconds(500), Reason = "HTTP 503" },
            new LlmEndEvent { Response = response },
            new LlmErrorEvent { Error = error, PartialText = Content, StatusCode = 429 },
            new ToolStartEvent { ToolName = "add", ToolCallId = "call_1", Arguments = Content },
            new ToolEndEvent { ToolName = "add", ToolCallId = "call_1", Output = Content, Duration = TimeSpan.FromMilliseconds(3) },
            new ToolErrorEvent { ToolName = "add", ToolCallId = "call_1", Error = new InvalidOperationException("tool broke"), Output = Content },
        };
        var tags = new[] { "nightly", "team:a" };
        var metadata = new Dictionary<string, object?> { ["user"] = "ada", ["attempt"] = 3, ["ratio"] = 0.25, ["ok"] = true, ["none"] = null, ["list"] = new object[] { 1, "b" }, ["when"] = At, ["other"] = new Version(1, 2) };
        foreach (var e in chain) e.Stamp(ChainRun, null, tags, metadata, At);
        foreach (var e in llm) e.Stamp(LlmRun, ChainRun, tags, metadata, At);
        return chain.Concat(llm).ToArray();
    }

    public static TheoryData<string> EventNames()
    {
        var data = new TheoryData<string>();
        foreach (var e in SampleEvents()) data.Add(e.EventName);
        return data;
    }

    [Fact]
    public void SamplesCoverEveryEventKind() =>
        Assert.Equal(Enum.GetValues<LlmEventName>().OrderBy(n => n), SampleEvents().Select(e => e.Kind).OrderBy(n => n));

    [Theory]
    [MemberData(nameof(EventNames))]
    public void EveryEventIsOneLineOfJsonWithTheCommonFields(string name)
    {
        var e = SampleEvents().Single(s => s.EventName == name);
        var line = LlmEventJson.Serialize(e);
        Assert.DoesNotContain('\n', line);
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.Equal(name, (string)json["eventName"]!);
        Assert.Equal(e.RunId, Guid.Parse((string)json["runId"]!));
        if (e.ParentRunId is { } parent) Assert.Equal(parent, Guid.Parse((string)json["parentRunId"]!));
        else Assert.Null(json["parentRunId"]);
        Assert.True(json.ContainsKey("parentRunId"));
        Assert.Equal(new[] { "nightly", "team:a" }, json["tags"]!.AsArray().Select(t => (string)t!));
        Assert.True(json["metadata"] is JsonObject);
        if (e is not RetryEvent) Assert.Contains(Content, line.Replace("\\n", "\n")); // JSON escapes the line break
    }

    [Fact]
    public void TimestampIsIso8601InUtc()
    {
        var json = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents()[0]))!;
        var stamp = (string)json["timestamp"]!;
        Assert.Equal("2025-03-04T03:06:07.0000000Z", stamp);
        Assert.Equal(At, DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MetadataKeepsPrimitivesAsJsonAndTheRestAsText()
    {
        var metadata = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents()[0]))!["metadata"]!;
        Assert.Equal(JsonValueKind.String, metadata["user"]!.GetValueKind());
        Assert.Equal(3, (int)metadata["attempt"]!);
        Assert.Equal(0.25, (double)metadata["ratio"]!);
        Assert.True((bool)metadata["ok"]!);
        Assert.Null(metadata["none"]);
        Assert.True(metadata.AsObject().ContainsKey("none"));
        Assert.Equal("[1,\"b\"]", metadata["list"]!.ToJsonString());
        Assert.Equal("2025-03-04T03:06:07.0000000Z", (string)metadata["when"]!);
        Assert.Equal("1.2", (string)metadata["other"]!);
    }

    [Fact]
    public void LlmEndCarriesTheWholeResponse()
    {
        var end = SampleEvents().OfType<LlmEndEvent>().Single();
        var response = JsonNode.Parse(LlmEventJson.Serialize(end))!["response"]!;
        Assert.Equal(Content, (string)response["text"]!);
        Assert.Equal("fake-model-2025", (string)response["model"]!);
        Assert.Equal("stop", (string)response["finishReason"]!);
        Assert.Equal("chatcmpl-abc", (string)response["responseId"]!);
        Assert.Equal(LlmRun, Guid.Parse((string)response["runId"]!));
        Assert.Equal(ChainRun, Guid.Parse((string)response["chainRunId"]!));
        Assert.Equal(1234.5, (double)response["durationMs"]!);
        Assert.Equal(56.7, (double)response["timeToFirstTokenMs"]!);
        Assert.Equal(33, (int)response["usage"]!["totalTokens"]!);
        Assert.Equal(4, (int)response["usage"]!["reasoningTokens"]!);
        Assert.Equal(5, (int)response["usage"]!["cachedInputTokens"]!);
        Assert.Equal("add", (string)response["toolCalls"]![0]!["name"]!);
        Assert.Equal(4, (int)response["messageCount"]!);
    }

    [Fact]
    public void ChatModelStartCarriesMessagesParametersModelAndEndpoint()
    {
        var start = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<ChatModelStartEvent>().Single()))!;
        Assert.Equal("fake-model", (string)start["model"]!);
        Assert.Equal("http://127.0.0.1:1234/v1", (string)start["endpoint"]!);
        Assert.Equal(0.5, (double)start["invocationParameters"]!["temperature"]!);
        Assert.Equal("x", (string)start["invocationParameters"]!["stop"]![0]!);
        var messages = start["messages"]!.AsArray();
        Assert.Equal(new[] { "system", "user", "assistant", "tool" }, messages.Select(m => (string)m!["role"]!));
        // Messages are in the one form session files use too: a multipart message's content is its parts.
        Assert.Equal(2, messages[1]!["content"]!.AsArray().Count);
        Assert.Equal("call_1", (string)messages[2]!["toolCalls"]![0]!["id"]!);
        Assert.Equal("call_1", (string)messages[3]!["toolCallId"]!);
    }

    [Fact]
    public void LlmExceptionBecomesItsIdKindAndStatus()
    {
        var error = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<LlmErrorEvent>().Single()))!;
        Assert.Equal(429, (int)error["statusCode"]!);
        Assert.Equal("PsLlm.LlmException", (string)error["error"]!["type"]!);
        Assert.Equal("Slow down.", (string)error["error"]!["message"]!);
        Assert.Equal("LlmRateLimited", (string)error["error"]!["errorId"]!);
        Assert.Equal("RateLimited", (string)error["error"]!["kind"]!);
        Assert.Equal(429, (int)error["error"]!["statusCode"]!);
        Assert.Equal(2000, (double)error["error"]!["retryAfterMs"]!);
        Assert.Equal(Content, (string)error["partialText"]!);
    }

    [Fact]
    public void TokenCarriesIndexCountAndElapsed()
    {
        var token = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<LlmNewTokenEvent>().Single()))!;
        Assert.Equal(3, (int)token["index"]!);
        Assert.Equal(2, (int)token["count"]!);
        Assert.Equal(80, (double)token["elapsedMs"]!);
        Assert.Equal(Content, (string)token["token"]!);
    }

    [Fact]
    public void ExcludeContentDropsEveryTextButKeepsSizesIdsUsageAndTimings()
    {
        foreach (var e in SampleEvents())
        {
            var line = LlmEventJson.Serialize(e, excludeContent: true);
            Assert.DoesNotContain("CONTENT-7f3a", line);
            var json = JsonNode.Parse(line)!.AsObject();
            Assert.Equal(e.RunId, Guid.Parse((string)json["runId"]!));
            Assert.Equal("ada", (string)json["metadata"]!["user"]!);
        }
        var end = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<LlmEndEvent>().Single(), excludeContent: true))!["response"]!;
        Assert.Equal(Content.Length, (int)end["textLength"]!);
        Assert.Null(end["text"]);
        Assert.Equal(33, (int)end["usage"]!["totalTokens"]!);
        Assert.Equal(1234.5, (double)end["durationMs"]!);
        Assert.Equal("chatcmpl-abc", (string)end["responseId"]!);
        var token = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<LlmNewTokenEvent>().Single(), excludeContent: true))!;
        Assert.Equal(Content.Length, (int)token["tokenLength"]!);
        Assert.Equal(3, (int)token["index"]!);
        var start = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<ChatModelStartEvent>().Single(), excludeContent: true))!;
        Assert.Equal(Content.Length, (int)start["messages"]![0]!["contentLength"]!);
        Assert.Equal("add", (string)start["messages"]![2]!["toolCalls"]![0]!["name"]!);
        var chainStart = JsonNode.Parse(LlmEventJson.Serialize(SampleEvents().OfType<ChainStartEvent>().Single(), excludeContent: true))!;
        Assert.Equal(Content.Length, (int)chainStart["inputLengths"]!["prompt"]!);
    }

    [Fact]
    public void EndpointLosesUserInfo() =>
        Assert.Equal("https://host.example/v1", PsLlm.Engine.Chat.EndpointRules.Redact("https://user:pa55word@host.example/v1"));

    [Fact]
    public void KeyShapesInErrorMessagesAreMasked()
    {
        var e = new LlmErrorEvent { Error = new InvalidOperationException("bad key sk-proj-ABCDEFGHIJKLMNOP") };
        Assert.DoesNotContain("ABCDEFGHIJKLMNOP", LlmEventJson.Serialize(e));
    }

    [Fact]
    public void ToolEventsOfAnMcpServersToolNameTheServer()
    {
        var events = new LlmEvent[]
        {
            new ToolStartEvent { ToolName = "echo", ToolCallId = "c", Arguments = "{}", McpServer = "everything" },
            new ToolEndEvent { ToolName = "echo", ToolCallId = "c", Output = "x", McpServer = "everything" },
            new ToolErrorEvent { ToolName = "echo", ToolCallId = "c", Output = "Error: x", Error = new InvalidOperationException("x"), McpServer = "everything" },
        };
        foreach (var e in events)
            Assert.Equal("everything", JsonNode.Parse(LlmEventJson.Serialize(e))!["mcpServer"]!.GetValue<string>());
        // A PowerShell tool's events have no such field.
        Assert.Null(JsonNode.Parse(LlmEventJson.Serialize(new ToolStartEvent { ToolName = "add" }))!["mcpServer"]);
    }
}
