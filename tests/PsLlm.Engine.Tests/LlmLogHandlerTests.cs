using Microsoft.Data.Sqlite;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability.Logging;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Real chats against the fake server with the SQLite log handler registered as a session handler
/// would be: what each kind of run leaves in the log, and that the log never costs the chat.
/// </summary>
public sealed class LlmLogHandlerTests : FakeServerTestBase, IDisposable
{
    private const string CitySchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempLogFile _log = new();

    public void Dispose() => _log.Dispose();

    private IReadOnlyList<LlmLogEntry> AllRuns(SqliteLogHandler handler)
    {
        Assert.True(handler.Flush(Patience));
        return _log.Store.Query(new LogQuery { Last = 0 });
    }

    private static FakeToolCall Call(string id, string name, string arguments) => new() { Id = id, Name = name, Arguments = arguments };

    [Fact]
    public void PlainChatIsAChainRunWithItsModelCall()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Server.Enqueue(new FakeReply { Text = "Owls hunt at night.", PromptTokens = 12, CompletionTokens = 4 });
        var request = new ChatRequest
        {
            Prompt = "Tell me about owls",
            System = "Be brief.",
            Tags = new[] { "birds" },
            Metadata = new Dictionary<string, object?> { ["user"] = "ada", ["n"] = 3 },
        };
        var response = ChatHarness.Run(ChatHarness.Client(Server), request, local: new[] { handler }).Ok;

        var runs = AllRuns(handler);
        Assert.Equal(2, runs.Count);
        var chain = runs.Single(r => r.Kind == "Chain");
        var llm = runs.Single(r => r.Kind == "Llm");
        Assert.Equal(response.ChainRunId, chain.RunId);
        Assert.Null(chain.ParentRunId);
        Assert.Equal(response.RunId, llm.RunId);
        Assert.Equal(chain.RunId, llm.ParentRunId);
        Assert.Equal("Invoke-LlmChat", chain.Name);
        Assert.All(runs, r => Assert.Equal("Ok", r.Status));
        Assert.All(runs, r => Assert.Equal("Tell me about owls", r.Prompt));
        Assert.All(runs, r => Assert.Equal("Owls hunt at night.", r.Response));
        Assert.Equal(new[] { "system", "user" }, llm.Messages.Select(m => m.Role));
        Assert.Equal("Be brief.", llm.Messages[0].Content);
        Assert.Equal("fake-model", llm.Model);
        Assert.Equal("fake-model", llm.ResponseModel);
        Assert.Equal("fake-model", chain.Model);
        Assert.Equal(Server.BaseUri.Authority, llm.EndpointHost);
        Assert.Equal("stop", llm.FinishReason);
        Assert.Equal(response.ResponseId, llm.ResponseId);
        Assert.Equal(12, llm.Usage!.InputTokens);
        Assert.Equal(4, llm.Usage.OutputTokens);
        Assert.Equal(16, chain.Usage!.TotalTokens);
        Assert.All(runs, r => Assert.Equal(new[] { "birds" }, r.Tags));
        Assert.Equal("ada", llm.Metadata["user"]);
        Assert.Equal("3", chain.Metadata["n"]);
        Assert.Equal("Be brief.", chain.Inputs["system"]);
        Assert.Equal("False", llm.Inputs["stream"]);
        Assert.Null(llm.TimeToFirstToken);
        Assert.True(llm.Duration > TimeSpan.Zero);
        Assert.True(chain.Duration > TimeSpan.Zero);
        Assert.Null(llm.Error);
        Assert.Equal(2, handler.Written);
        Assert.Equal(0, handler.Dropped + handler.Failed);
    }

    [Fact]
    public void StreamedChatKeepsTheTimeToFirstToken()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Server.Enqueue(new FakeReply { Tokens = new() { "Hoo ", "hoo." }, FirstTokenDelayMs = 30 });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "owl noise", Stream = true }, local: new[] { handler }).Ok.ToString();

        var llm = AllRuns(handler).Single(r => r.Kind == "Llm");
        Assert.Equal("Hoo hoo.", llm.Response);
        Assert.Equal("True", llm.Inputs["stream"]);
        Assert.NotNull(llm.TimeToFirstToken);
        Assert.True(llm.TimeToFirstToken >= TimeSpan.FromMilliseconds(25), $"TTFT {llm.TimeToFirstToken} is shorter than the server's delay");
        Assert.NotNull(llm.Usage);
    }

    [Fact]
    public void ToolChatLogsEveryModelCallAndToolRunAndCountsEachTokenOnce()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Server.Enqueue(new FakeReply
        {
            ToolCalls = new() { Call("c1", "get_weather", """{"city":"Oslo"}"""), Call("c2", "get_weather", """{"city":"Atlantis"}""") },
            PromptTokens = 20,
            CompletionTokens = 8,
        });
        Server.Enqueue(new FakeReply { Text = "Oslo is sunny.", PromptTokens = 50, CompletionTokens = 6 });
        var tool = new DelegateTool("get_weather", "weather", CitySchema,
            a => (string)a["city"]! == "Atlantis" ? throw new InvalidOperationException("no such city") : $"{a["city"]}: sunny");
        var response = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "Weather?", Stream = true, Tools = new LlmTool[] { tool } },
            local: new[] { handler }).Ok;

        Assert.True(handler.Flush(Patience));
        var tree = _log.Store.Tree(response.ChainRunId);
        Assert.Equal(new[] { ("Chain", 0), ("Llm", 1), ("Tool", 1), ("Tool", 1), ("Llm", 1) }, tree.Select(r => (r.Kind, r.Depth)));

        var (chain, ask, oslo, atlantis, answer) = (tree[0], tree[1], tree[2], tree[3], tree[4]);
        Assert.Equal("tool_calls", ask.FinishReason);
        Assert.Equal(new[] { "c1", "c2" }, ask.ToolCalls.Select(c => c.Id));
        Assert.Equal("""{"city":"Atlantis"}""", ask.ToolCalls[1].Arguments);
        Assert.Equal(("get_weather", "c1", "Ok", "Oslo: sunny", """{"city":"Oslo"}"""), (oslo.Name, oslo.ToolCallId, oslo.Status, oslo.Response, oslo.Prompt));
        Assert.Equal(("Error", "no such city", "InvalidOperationException"), (atlantis.Status, atlantis.Error, atlantis.ErrorId));
        Assert.Equal("Error: no such city", atlantis.Response);
        Assert.Equal("Oslo is sunny.", answer.Response);
        Assert.Equal(4, answer.Messages.Count); // user, assistant with calls, two tool results
        Assert.Equal(new[] { "c1", "c2" }, answer.Messages[1].ToolCalls.Select(c => c.Id));
        Assert.Equal("c2", answer.Messages[3].ToolCallId);

        // The last round reports the whole turn's usage; the log keeps each call's own.
        Assert.Equal((20, 8), (ask.Usage!.InputTokens, ask.Usage.OutputTokens));
        Assert.Equal((50, 6), (answer.Usage!.InputTokens, answer.Usage.OutputTokens));
        Assert.Equal((70, 14), (chain.Usage!.InputTokens, chain.Usage.OutputTokens));
        Assert.Equal(response.Usage!.TotalTokens, ask.Usage.TotalTokens + answer.Usage.TotalTokens);
        Assert.Equal(new[] { true, false }, chain.ToolResults.Select(r => r.Succeeded));
        Assert.Equal("Oslo: sunny", chain.ToolResults[0].Output);

        var modelCalls = _log.Store.Query(new LogQuery { Kinds = new[] { "Llm" } });
        Assert.Equal(new[] { ask.RunId, answer.RunId }, modelCalls.Select(r => r.RunId));
    }

    [Fact]
    public void FailedChatIsLoggedWithItsError()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Server.Enqueue(new FakeReply { Status = 500, ErrorMessage = "overloaded" });
        var failure = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "doomed" }, local: new[] { handler }).Failure;

        var runs = AllRuns(handler);
        var llm = runs.Single(r => r.Kind == "Llm");
        var chain = runs.Single(r => r.Kind == "Chain");
        Assert.All(runs, r => Assert.Equal("Error", r.Status));
        Assert.Equal(failure.ErrorId, llm.ErrorId);
        Assert.Equal("LlmServerError", chain.ErrorId);
        Assert.Equal(500, llm.StatusCode);
        Assert.Equal(failure.Message, llm.Error);
        Assert.Null(llm.Usage);
        Assert.Equal(new[] { llm.RunId, chain.RunId }.OrderBy(x => x), _log.Store.Query(new LogQuery { ErrorsOnly = true, Last = 0 }).Select(r => r.RunId).OrderBy(x => x));
    }

    [Fact]
    public void BrokenStreamKeepsWhatArrived()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Server.Enqueue(new FakeReply { Tokens = new() { "par", "tial", " never" }, DisconnectAfterTokens = 2 });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { handler }).Failure.ToString();

        var llm = AllRuns(handler).Single(r => r.Kind == "Llm");
        Assert.Equal("Error", llm.Status);
        Assert.Equal("partial", llm.Response);
        Assert.NotNull(llm.TimeToFirstToken);
    }

    [Fact]
    public void StoppedChatIsLoggedAsCancelled()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        using var stop = new CancellationTokenSource();
        Server.Enqueue(new FakeReply { Tokens = new() { "a", "b", "c", "d" }, DelayMs = 50 });
        var stopper = new StopOnFirstToken(stop);
        var error = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new CallbackHandler[] { handler, stopper },
            cancellationToken: stop.Token).Error;
        Assert.IsAssignableFrom<OperationCanceledException>(error);

        var runs = AllRuns(handler);
        Assert.All(runs, r => Assert.Equal("Cancelled", r.Status));
        Assert.All(runs, r => Assert.Equal("LlmCancelled", r.ErrorId));
    }

    private sealed class StopOnFirstToken : CallbackHandler
    {
        private readonly CancellationTokenSource _stop;
        public StopOnFirstToken(CancellationTokenSource stop) => _stop = stop;
        public override void OnLlmNewToken(LlmNewTokenEvent e) => _stop.Cancel();
    }

    [Fact]
    public void ChainsAndChatsNestedInToolsFormOneTree()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Server.Enqueue(new FakeReply { ToolCalls = new() { Call("c1", "summarize", "{}") } });
        Server.Enqueue(new FakeReply { Text = "nested answer" });
        Server.Enqueue(new FakeReply { Text = "final" });
        var client = ChatHarness.Client(Server);
        Guid nestedChat = default;
        var summarize = new DelegateTool("summarize", "d", "", _ =>
        {
            var nested = ChatHarness.Run(client, new ChatRequest { Prompt = "inner" }, local: new[] { handler }).Ok;
            nestedChat = nested.ChainRunId;
            return nested.Text;
        });
        var text = ChainRunner.Run("pipeline", new Dictionary<string, object?> { ["input"] = "go" }, new CallbackScope { Local = new[] { handler } }, new CollectingErrorSink(),
            () => ChatHarness.Run(client, new ChatRequest { Prompt = "outer", Tools = new LlmTool[] { summarize } }, local: new[] { handler }).Ok.Text);
        Assert.Equal("final", text);
        Assert.True(handler.Flush(Patience));

        var tree = _log.Store.Tree(nestedChat); // any run of the tree gives the whole tree
        Assert.Equal(
            new[] { ("Chain", "pipeline", 0), ("Chain", "Invoke-LlmChat", 1), ("Llm", "fake-model", 2), ("Tool", "summarize", 2),
                    ("Chain", "Invoke-LlmChat", 3), ("Llm", "fake-model", 4), ("Llm", "fake-model", 2) },
            tree.Select(r => (r.Kind, r.Name, r.Depth)));
        Assert.Equal("go", tree[0].Prompt);
        Assert.Equal("final", tree[0].Response);
        Assert.Equal("inner", tree[4].Prompt);
        Assert.Equal(tree[3].RunId, tree[4].ParentRunId);
    }

    [Fact]
    public void KeysHeadersAndAuthorizationAreNeverWritten()
    {
        const string headerSecret = "tenant-secret-9f8e7d6c5b";
        using (var handler = new SqliteLogHandler(_log.Path))
        {
            var client = ChatHarness.Client(Server, headers: new Dictionary<string, string> { ["X-Tenant"] = headerSecret });
            Server.Enqueue(new FakeReply { Text = "fine" });
            Server.Enqueue(new FakeReply { Status = 401, ErrorMessage = $"Incorrect API key provided: {ChatHarness.ApiKey}.", ErrorCode = "invalid_api_key" });
            ChatHarness.Run(client, new ChatRequest { Prompt = "one" }, local: new[] { handler }).Ok.ToString();
            ChatHarness.Run(client, new ChatRequest { Prompt = "two" }, local: new[] { handler }).Failure.ToString();
            Assert.Equal(4, AllRuns(handler).Count);
            Assert.Contains(Server.Requests, r => r.Headers.Values.Any(v => v.Contains(headerSecret)));
        }

        var everything = _log.AllText();
        Assert.Contains("Incorrect API key provided", everything);
        Assert.DoesNotContain(ChatHarness.ApiKey, everything);
        Assert.DoesNotContain("SECRETKEY", everything);
        Assert.DoesNotContain(headerSecret, everything);
        Assert.DoesNotContain("Bearer", everything);
        Assert.DoesNotContain("X-Tenant", everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void FullQueueDropsRunsWithoutWaitingAndCountsThem()
    {
        using var handler = new SqliteLogHandler(_log.Path, capacity: 1);
        const int chats = 10;
        using (var blocker = new SqliteConnection($"Data Source={_log.Path};Pooling=False"))
        {
            blocker.Open();
            using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            exclusive.ExecuteNonQuery(); // the writer now waits on its first run; the queue fills
            for (var i = 0; i < chats; i++) RaiseChain(handler, $"chain {i}");
            Assert.True(handler.Dropped >= chats - 2, $"dropped {handler.Dropped}");
            exclusive.CommandText = "ROLLBACK;";
            exclusive.ExecuteNonQuery();
        }
        Assert.True(handler.Flush(Patience));
        Assert.Equal(chats, handler.Written + handler.Dropped);
        Assert.Equal(handler.Written, _log.Store.Query(new LogQuery { Last = 0, Kinds = new[] { "Chain" } }).Count);
        Assert.Equal(handler.Dropped, handler.TakeUnreportedLosses());
        Assert.Equal(0, handler.TakeUnreportedLosses());
    }

    [Fact]
    public void EventsItCannotReadAreCountedNeverThrown()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        handler.Handle(new LlmEndEvent()); // no response: a malformed event from some other source
        Assert.Equal(1, handler.Failed);
        Assert.Contains("LlmEnd", handler.LastError);
        RaiseChain(handler, "still logging");
        Assert.Single(AllRuns(handler));
    }

    [Fact]
    public void CloseWritesWhatIsQueuedAndLaterEventsAreIgnored()
    {
        var handler = new SqliteLogHandler(_log.Path);
        for (var i = 0; i < 50; i++) RaiseChain(handler, $"chain {i}");
        handler.Close(Patience);
        Assert.Equal(50, handler.Written);
        RaiseChain(handler, "after close");
        Assert.Equal(50, _log.Store.Query(new LogQuery { Last = 0, Kinds = new[] { "Chain" } }).Count);
        Assert.False(handler.Status().Enabled);
        handler.Dispose();
    }

    private static void RaiseChain(CallbackHandler handler, string name)
    {
        var chain = CallbackManager.StartRoot(new CallbackScope { Local = new[] { handler } }, new CollectingErrorSink());
        chain.Raise(new ChainStartEvent { Name = name, Inputs = new Dictionary<string, object?> { ["input"] = name } });
        chain.Raise(new ChainEndEvent { Name = name, Outputs = "done", Duration = TimeSpan.FromMilliseconds(1) });
    }
}
