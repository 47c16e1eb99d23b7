using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Chats run at once (Invoke-LlmChat -ThrottleLimit): requests overlap up to the limit, while every
/// event and tool call happens on the thread that waits, in order within each chat; each chat ends
/// exactly once with its input, also under failures and when the batch is stopped.
/// </summary>
public sealed class ConcurrentChatTests : FakeServerTestBase
{
    private static RunOptions Options(EventLog log, CollectingErrorSink? sink = null) =>
        new() { LocalHandlers = [log], ErrorSink = sink ?? new CollectingErrorSink() };

    private static List<ConcurrentChatOutcome> RunAll(ConcurrentChats chats, IEnumerable<(LlmClient Client, ChatRequest Request, RunOptions Options, object Input)> work)
    {
        var outcomes = new List<ConcurrentChatOutcome>();
        foreach (var (client, request, options, input) in work)
        {
            chats.Add(client, request, options, input);
            while (chats.IsFull) outcomes.AddRange(chats.Wait(pump: null));
        }
        outcomes.AddRange(chats.Wait(pump: null, all: true));
        return outcomes;
    }

    [Fact]
    public void Requests_overlap_up_to_the_limit_and_every_event_runs_on_the_waiting_thread_in_order()
    {
        for (var i = 0; i < 12; i++) Server.Enqueue(new FakeReply { ForPrompt = $"q{i}", Text = $"a{i}", DelayMs = 150 });
        var client = ChatHarness.Client(Server);
        var log = new EventLog();
        using var chats = new ConcurrentChats(4, ordered: false, CancellationToken.None);

        var outcomes = RunAll(chats, Enumerable.Range(0, 12).Select(i => (client, new ChatRequest { Prompt = $"q{i}" }, Options(log), (object)$"input{i}")));

        Assert.Equal(4, Server.MostChatsInFlight);
        Assert.Equal(12, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal($"a{o.Sequence}", o.Response!.Text));
        Assert.All(outcomes, o => Assert.Equal($"input{o.Sequence}", o.Input));
        Assert.All(log.Threads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
        // Each chat's own events keep their order, however the chats interleave.
        foreach (var chain in log.Of<ChainStartEvent>())
        {
            var run = log.Events.Where(e => e.RunId == chain.RunId || e.ParentRunId == chain.RunId).Select(e => e.Kind).ToArray();
            Assert.Equal([LlmEventName.ChainStart, LlmEventName.Text, LlmEventName.ChatModelStart, LlmEventName.LlmEnd, LlmEventName.ChainEnd], run);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ordered_outcomes_come_in_input_order_and_unordered_as_chats_end(bool ordered)
    {
        // The first chat is the slowest.
        Server.Enqueue(new FakeReply { ForPrompt = "slow", Text = "slow", DelayMs = 600 });
        for (var i = 0; i < 5; i++) Server.Enqueue(new FakeReply { ForPrompt = $"fast{i}", Text = $"fast{i}", DelayMs = 10 });
        var client = ChatHarness.Client(Server);
        var log = new EventLog();
        using var chats = new ConcurrentChats(6, ordered, CancellationToken.None);

        var prompts = new[] { "slow", "fast0", "fast1", "fast2", "fast3", "fast4" };
        var outcomes = RunAll(chats, prompts.Select(p => (client, new ChatRequest { Prompt = p }, Options(log), (object)p)));

        var order = outcomes.Select(o => (string)o.Input!).ToArray();
        if (ordered) Assert.Equal(prompts, order);
        else Assert.Equal("slow", order[^1]);
    }

    [Fact]
    public void Every_input_ends_exactly_once_whatever_fails()
    {
        var faults = new Dictionary<int, FakeReply>
        {
            [1] = new() { Status = 500, ErrorMessage = "boom" },
            [3] = new() { Status = 400, ErrorMessage = "bad request", ErrorCode = "invalid_request_error" },
            [5] = new() { Tokens = ["partial ", "answer"], DisconnectAfterTokens = 1 },
            [7] = new() { Status = 401, ErrorMessage = "no key" },
        };
        for (var i = 0; i < 10; i++)
        {
            var reply = faults.TryGetValue(i, out var fault) ? fault : new FakeReply { Text = $"ok{i}", DelayMs = 20 };
            reply.ForPrompt = $"q{i}";
            Server.Enqueue(reply);
        }
        var client = ChatHarness.Client(Server);
        var log = new EventLog();
        using var chats = new ConcurrentChats(3, ordered: false, CancellationToken.None);

        var outcomes = RunAll(chats, Enumerable.Range(0, 10).Select(i => (client, new ChatRequest { Prompt = $"q{i}", Stream = i == 5 }, Options(log), (object)i)));

        Assert.Equal(Enumerable.Range(0, 10), outcomes.Select(o => (int)o.Input!).Order());
        Assert.All(outcomes, o => Assert.True(o.Response is null ^ o.Error is null));
        Assert.Equal([1, 3, 5, 7], outcomes.Where(o => o.Error is not null).Select(o => (int)o.Input!).Order());
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.IsType<LlmException>(o.Error));
        Assert.Equal("partial ", ((LlmException)outcomes.Single(o => (int)o.Input! == 5).Error!).PartialText);
        // Each failed chat raised its error events once.
        Assert.Equal(4, log.Of<ChainErrorEvent>().Count());
        Assert.Equal(6, log.Of<ChainEndEvent>().Count());
    }

    [Fact]
    public void Stopping_the_batch_ends_the_running_chats_as_stopped_and_the_rest_as_not_started()
    {
        for (var i = 0; i < 10; i++) Server.Enqueue(new FakeReply { ForPrompt = $"q{i}", Text = $"a{i}", DelayMs = i < 2 ? 10 : 5000 });
        var client = ChatHarness.Client(Server);
        var log = new EventLog();
        using var stop = new CancellationTokenSource();
        using var chats = new ConcurrentChats(4, ordered: false, stop.Token);
        var outcomes = new List<ConcurrentChatOutcome>();

        for (var i = 0; i < 10; i++)
        {
            chats.Add(client, new ChatRequest { Prompt = $"q{i}" }, Options(log), i);
            if (i == 7)
            {
                // Two fast chats have ended; two slow ones and more are under way: Ctrl+C.
                while (outcomes.Count < 2) outcomes.AddRange(chats.Wait(pump: null));
                stop.Cancel();
            }
        }
        outcomes.AddRange(chats.Wait(pump: null, all: true));

        Assert.Equal(Enumerable.Range(0, 10), outcomes.Select(o => (int)o.Input!).Order());
        Assert.Equal([0, 1], outcomes.Where(o => o.Response is not null).Select(o => (int)o.Input!).Order());
        var stopped = outcomes.Where(o => o.Error is OperationCanceledException).Select(o => (int)o.Input!).ToArray();
        var notStarted = outcomes.Where(o => o.Error is LlmException { ErrorId: "LlmNotStarted" }).Select(o => (int)o.Input!).ToArray();
        Assert.Equal(8, stopped.Length + notStarted.Length);
        Assert.Equal(4, stopped.Length); // the limit: four were under way when it stopped
        Assert.Equal(0, chats.Outstanding);
    }

    [Fact]
    public void Chats_of_one_session_run_one_after_another_as_its_turns()
    {
        var client = ChatHarness.Client(Server);
        var session = new ChatSession(client);
        var log = new EventLog();
        using var chats = new ConcurrentChats(4, ordered: true, CancellationToken.None);

        var outcomes = RunAll(chats, new[] { "one", "two", "three" }.Select(p => (client, new ChatRequest { Prompt = p, Session = session }, Options(log), (object)p)));

        Assert.Equal(3, session.TurnCount);
        Assert.Equal(1, Server.MostChatsInFlight);
        // The third request carried the first two turns.
        var messages = Server.Requests[2].Json!["messages"]!.AsArray().Select(m => (string)m!["content"]!).ToArray();
        Assert.Equal(["one", "Echo: one", "two", "Echo: two", "three"], messages);
        Assert.All(outcomes, o => Assert.NotNull(o.Response));
    }

    [Fact]
    public void Tools_of_concurrent_chats_run_on_the_waiting_thread()
    {
        var threads = new List<int>();
        var tool = new DelegateTool("where", "Says where it ran.", """{"type":"object","properties":{}}""", _ =>
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
            return "here";
        });
        for (var i = 0; i < 3; i++)
        {
            Server.Enqueue(new FakeReply { ForPrompt = $"q{i}", ToolCalls = [new FakeToolCall { Id = $"call_{i}", Name = "where", Arguments = "{}" }] });
        }
        var client = ChatHarness.Client(Server);
        var log = new EventLog();
        using var chats = new ConcurrentChats(3, ordered: false, CancellationToken.None);

        var outcomes = RunAll(chats, Enumerable.Range(0, 3).Select(i => (client, new ChatRequest { Prompt = $"q{i}", Tools = [tool] }, Options(log), (object)i)));

        Assert.All(outcomes, o => Assert.NotNull(o.Response));
        Assert.Equal(3, threads.Count);
        Assert.All(threads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
        Assert.Equal(3, log.Of<ToolEndEvent>().Count());
    }

    [Fact]
    public void Bad_input_is_refused_when_added_before_anything_is_sent()
    {
        using var chats = new ConcurrentChats(2, ordered: false, CancellationToken.None);
        var error = Assert.Throws<LlmException>(() => chats.Add(ChatHarness.Client(Server), new ChatRequest { Prompt = " " }, Options(new EventLog()), "x"));
        Assert.Equal("LlmEmptyPrompt", error.ErrorId);
        Assert.Equal(0, chats.Outstanding);
        Assert.Empty(Server.Requests);
    }

    /// <summary>A tool that reports through its context, as an MCP server's tool does.</summary>
    private sealed class ReportingTool() : LlmTool("report", "Reports progress.", """{"type":"object","properties":{}}""", strict: false, requireApproval: false)
    {
        public override string Invoke(IReadOnlyDictionary<string, object?> arguments) => Invoke(arguments, LlmToolContext.None);

        public override string Invoke(IReadOnlyDictionary<string, object?> arguments, LlmToolContext context)
        {
            context.WriteVerbose("working");
            context.WriteProgress("report", "half", 50);
            return "done";
        }
    }

    [Fact]
    public void Tools_of_concurrent_chats_report_through_the_options_they_were_given()
    {
        for (var i = 0; i < 3; i++)
            Server.Enqueue(new FakeReply { ForPrompt = $"q{i}", ToolCalls = [new FakeToolCall { Id = $"call_{i}", Name = "report", Arguments = "{}" }] });
        var verbose = new List<string>();
        var progress = new List<int>();
        var log = new EventLog();
        var options = Options(log) with { ToolVerbose = verbose.Add, ToolProgress = (_, _, percent) => progress.Add(percent) };
        using var chats = new ConcurrentChats(3, ordered: false, CancellationToken.None);

        var outcomes = RunAll(chats, Enumerable.Range(0, 3).Select(i => (ChatHarness.Client(Server), new ChatRequest { Prompt = $"q{i}", Tools = [new ReportingTool()] }, options, (object)i)));

        Assert.All(outcomes, o => Assert.NotNull(o.Response));
        Assert.Equal(["working", "working", "working"], verbose);
        Assert.Equal([50, 50, 50], progress);
    }
}
