using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Which handlers fire for which runs: request handlers flow down, client/session handlers stay put.</summary>
public sealed class CallbackScopeTests : FakeServerTestBase
{
    [Fact]
    public void RequestHandlersReachNestedRunsButClientHandlersDoNot()
    {
        Server.Enqueue(new FakeReply { Text = "outer answer" });
        Server.Enqueue(new FakeReply { Text = "inner answer" });
        var outerClientLog = new EventLog("outer-client");
        var innerClientLog = new EventLog("inner-client");
        var requestLog = new EventLog("request");
        var outerClient = ChatHarness.Client(Server, callbacks: new[] { outerClientLog });
        var innerClient = ChatHarness.Client(Server, callbacks: new[] { innerClientLog });

        // The outer chat's LLM end triggers a nested chat, as a tool or chain step would.
        ChatOutcome? inner = null;
        var nesting = new NestedChatOnEnd(_ => inner = ChatHarness.Run(innerClient, new ChatRequest { Prompt = "inner" }));
        var outer = ChatHarness.Run(outerClient, new ChatRequest { Prompt = "outer", Callbacks = new CallbackHandler[] { requestLog } }, local: new[] { nesting });

        Assert.Equal("outer answer", outer.Ok.Text);
        Assert.Equal("inner answer", inner!.Ok.Text);

        // The request handler sees both runs; the nested chain's parent is the outer LLM run.
        var innerChainStart = requestLog.Of<ChainStartEvent>().Single(e => (string?)e.Inputs["prompt"] == "inner");
        Assert.Equal(outer.Ok.RunId, innerChainStart.ParentRunId);
        Assert.Equal(2, requestLog.Of<LlmEndEvent>().Count());

        // Each client's own handlers see only that client's runs.
        Assert.All(outerClientLog.Of<ChainStartEvent>(), e => Assert.Equal("outer", e.Inputs["prompt"]));
        Assert.Single(outerClientLog.Of<LlmEndEvent>());
        Assert.Single(innerClientLog.Of<LlmEndEvent>());
        Assert.Equal("inner answer", innerClientLog.Of<LlmEndEvent>().Single().Response.Text);
    }

    [Fact]
    public void HandlerInTwoScopesFiresOnce()
    {
        Server.Enqueue(new FakeReply { Text = "once" });
        var shared = new EventLog("shared");
        var client = ChatHarness.Client(Server, callbacks: new[] { shared });
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x", Callbacks = new CallbackHandler[] { shared } }, local: new[] { shared });
        Assert.Equal("once", outcome.Ok.Text);
        Assert.Single(shared.Of<LlmEndEvent>());
        Assert.Single(shared.Of<ChainStartEvent>());
    }

    [Fact]
    public void TagsAndMetadataAreInheritedByChildRuns()
    {
        var sink = new CollectingErrorSink();
        var log = new EventLog();
        var root = CallbackManager.StartRoot(new CallbackScope
        {
            Inheritable = new[] { log },
            Tags = new[] { "batch" },
            Metadata = new Dictionary<string, object?> { ["job"] = 1, ["owner"] = "a" },
        }, sink);
        var child = root.StartChild(new CallbackScope { Tags = new[] { "child", "batch" }, Metadata = new Dictionary<string, object?> { ["owner"] = "b" } });
        child.Raise(new TextEvent { Text = "hi" });

        var e = log.Events.Single();
        Assert.Equal(child.RunId, e.RunId);
        Assert.Equal(root.RunId, e.ParentRunId);
        Assert.Equal(new[] { "batch", "child" }, e.Tags);
        Assert.Equal(1, e.Metadata["job"]);
        Assert.Equal("b", e.Metadata["owner"]);
    }

    [Fact]
    public void DotNetEventsOfTheClientFireInOrderWithHandlers()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "a", "b", "c" } });
        var client = ChatHarness.Client(Server);
        var seen = new List<string>();
        var tokens = new List<LlmNewTokenEvent>();
        client.LlmNewToken += (_, e) => { seen.Add("token"); tokens.Add(e); };
        client.LlmEnd += (sender, e) => seen.Add("end:" + e.Response.Text + ":" + ReferenceEquals(sender, client));
        client.CallbackEvent += (_, e) => seen.Add("any:" + e.EventName);
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x", Stream = true });
        Assert.Equal("abc", outcome.Ok.Text);
        // Token events reach .NET subscribers coalesced (the first at once): every token, in order, none after LlmEnd.
        Assert.Equal("abc", string.Concat(tokens.Select(t => t.Token)));
        Assert.Equal(3, tokens.Sum(t => t.Count));
        Assert.Equal("a", tokens[0].Token);
        var expected = tokens.SelectMany(_ => new[] { "token", "any:LlmNewToken" }).Concat(["end:abc:True", "any:LlmEnd"]);
        Assert.Equal(expected, seen.Where(s => !s.StartsWith("any:Chain") && !s.StartsWith("any:ChatModel") && !s.StartsWith("any:Text")));
    }

    /// <summary>Starts a nested chat from inside the outer LLM run's end, as a tool or chain step would.</summary>
    private sealed class NestedChatOnEnd : CallbackHandler
    {
        private readonly Action<CallbackManager?> _start;
        private bool _done;
        public NestedChatOnEnd(Action<CallbackManager?> start) => _start = start;

        public override void OnLlmEnd(LlmEndEvent e)
        {
            if (_done) return;
            _done = true;
            Assert.Equal(e.RunId, CallbackManager.Current?.RunId);
            _start(null);
        }
    }
}
