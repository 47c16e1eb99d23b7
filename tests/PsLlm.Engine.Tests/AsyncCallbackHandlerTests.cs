using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// AsyncCallbackHandler: events in order on a worker of its own, the chat waiting only at awaited
/// events, overflow, failures and stopping. Every test decides by the order things happen in
/// (gates the chat or the handler must pass), never by how long they take.
/// </summary>
public sealed class AsyncCallbackHandlerTests : FakeServerTestBase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Records what it handled; optional work per event runs first.</summary>
    private sealed class Recorder : AsyncCallbackHandler
    {
        private readonly List<LlmEvent> _seen = new();
        public Func<LlmEvent, CancellationToken, Task>? Work { get; init; }
        public bool Released { get; private set; }
        public IReadOnlyList<LlmEvent> Seen { get { lock (_seen) return _seen.ToArray(); } }
        public int WorkerThread { get; private set; }

        public override async Task HandleAsync(LlmEvent e, CancellationToken cancellationToken)
        {
            WorkerThread = Environment.CurrentManagedThreadId;
            if (Work is not null) await Work(e, cancellationToken);
            lock (_seen) _seen.Add(e);
        }

        protected override void OnStopped() => Released = true;
    }

    /// <summary>A synchronous handler that runs an action per event on the chat's thread.</summary>
    private sealed class Probe(Action<LlmEvent> action) : CallbackHandler
    {
        public override void Handle(LlmEvent e) => action(e);
    }

    private ChatOutcome Chat(IEnumerable<CallbackHandler> handlers, int tokens = 5, CancellationToken cancellationToken = default, int delayMs = 0)
    {
        Server.Enqueue(new FakeReply { Tokens = Enumerable.Range(0, tokens).Select(i => $"t{i} ").ToList(), DelayMs = delayMs });
        return ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest
        {
            Prompt = "x",
            Stream = true,
            Tags = new[] { "nightly" },
            Metadata = new Dictionary<string, object?> { ["user"] = "ada" },
            Callbacks = handlers.ToArray(),
        }, cancellationToken: cancellationToken);
    }

    [Fact]
    public void SeesEveryEventInOrderWithTheRunsIdentityOnAWorkerOfItsOwn()
    {
        using var handler = new Recorder();
        var outcome = Chat(new[] { handler });
        Assert.True(handler.Drain(Patience));

        var sync = outcome.Log.Events;
        var seen = handler.Seen;
        Assert.Equal(sync.Select(e => e.Kind), seen.Select(e => e.Kind));
        Assert.Equal(sync.Select(e => (e.RunId, e.ParentRunId)), seen.Select(e => (e.RunId, e.ParentRunId)));
        Assert.All(seen, e => Assert.Equal(new[] { "nightly" }, e.Tags));
        Assert.All(seen, e => Assert.Equal("ada", e.Metadata["user"]));
        Assert.Equal(5, seen.OfType<LlmNewTokenEvent>().Count());
        Assert.NotEqual(Environment.CurrentManagedThreadId, handler.WorkerThread);
        Assert.Equal(sync.Count, handler.Processed);
        Assert.Equal(0, handler.Pending);
    }

    [Fact]
    public void TheChatEndsWhileTheHandlerIsStillOnItsFirstEvent()
    {
        using var gate = new ManualResetEventSlim();
        using var handler = new Recorder { Work = (_, ct) => Task.Run(() => gate.Wait(ct), ct) };
        var outcome = Chat(new[] { handler });

        // The whole chat went by while the handler could not get past ChainStart.
        Assert.Equal("t0 t1 t2 t3 t4 ", outcome.Ok.Text);
        Assert.Empty(handler.Seen);
        Assert.Equal(outcome.Log.Events.Count, handler.Pending); // the one in hand among them
        gate.Set();
        Assert.True(handler.Drain(Patience));
        Assert.Equal(outcome.Log.Events.Count, handler.Seen.Count);
    }

    [Fact]
    public void AwaitedEventsHoldTheChatAndOthersDoNot()
    {
        // LlmStart is not awaited: its work can only finish once the chat has streamed a token.
        // LlmEnd is awaited: the handler's work on it is done before the next handler sees LlmEnd.
        using var firstToken = new ManualResetEventSlim();
        var endDone = false;
        var endDoneWhenChatSawLlmEnd = false;
        var startTimedOut = false;
        using var handler = new Recorder
        {
            AwaitEvents = new[] { LlmEventName.LlmEnd },
            Work = async (e, ct) =>
            {
                if (e.Kind == LlmEventName.ChatModelStart) startTimedOut = !await Task.Run(() => firstToken.Wait(Patience, ct), ct);
                if (e.Kind == LlmEventName.LlmEnd)
                {
                    await Task.Delay(30, ct);
                    endDone = true;
                }
            },
        };
        var probe = new Probe(e =>
        {
            if (e.Kind == LlmEventName.LlmNewToken) firstToken.Set();
            if (e.Kind == LlmEventName.LlmEnd) endDoneWhenChatSawLlmEnd = endDone;
        });
        var outcome = Chat(new CallbackHandler[] { handler, probe });

        Assert.Equal("t0 t1 t2 t3 t4 ", outcome.Ok.Text);
        Assert.False(startTimedOut);
        Assert.True(endDoneWhenChatSawLlmEnd);
        Assert.Empty(outcome.Sink.Reports);
    }

    [Fact]
    public void LlmStartInAwaitEventsAwaitsChatModelStart()
    {
        var startDone = false;
        var startDoneAtFirstToken = false;
        using var handler = new Recorder
        {
            AwaitEvents = new[] { LlmEventName.LlmStart },
            Work = async (e, ct) =>
            {
                if (e.Kind != LlmEventName.ChatModelStart) return;
                await Task.Delay(30, ct);
                startDone = true;
            },
        };
        var probe = new Probe(e => { if (e is LlmNewTokenEvent { Index: 0 }) startDoneAtFirstToken = startDone; });
        Chat(new CallbackHandler[] { handler, probe }).Ok.ToString();
        Assert.True(startDoneAtFirstToken);
    }

    [Fact]
    public void AnAwaitedEventThatTakesTooLongIsReportedAndTheChatGoesOnEvenWithRaiseError()
    {
        using var gate = new ManualResetEventSlim();
        using var handler = new Recorder
        {
            Name = "slow",
            RaiseError = true,
            AwaitEvents = new[] { LlmEventName.LlmEnd },
            AwaitTimeout = TimeSpan.FromMilliseconds(50),
            Work = (e, ct) => e.Kind == LlmEventName.LlmEnd ? Task.Run(() => gate.Wait(ct), ct) : Task.CompletedTask,
        };
        var outcome = Chat(new[] { handler });

        Assert.Equal("t0 t1 t2 t3 t4 ", outcome.Ok.Text);
        var report = Assert.Single(outcome.Sink.Reports);
        Assert.Equal("slow", report.Handler);
        Assert.Equal(LlmEventName.LlmEnd, report.Event);
        Assert.Contains("did not finish LlmEnd within 0.05 s", report.Error.Message);
        gate.Set();
        Assert.True(handler.Drain(Patience));
    }

    [Fact]
    public void AFullQueueDropsTheNewestAndCountsThem()
    {
        using var gate = new ManualResetEventSlim();
        using var handler = new Recorder { QueueCapacity = 2, Work = (_, ct) => Task.Run(() => gate.Wait(ct), ct) };
        var outcome = Chat(new[] { handler }, tokens: 20);
        gate.Set();
        Assert.True(handler.Drain(Patience));

        var raised = outcome.Log.Events.Count;
        Assert.True(handler.Dropped > 0);
        Assert.Equal(raised, handler.Processed + handler.Dropped);
        Assert.Equal(handler.Dropped, handler.TakeUnreportedLosses());
        Assert.Equal(0, handler.TakeUnreportedLosses());
        // What was kept came in the order raised; the first events were among it (the newest went).
        var raisedEvents = outcome.Log.Events.ToList();
        var positions = handler.Seen.Select(e => raisedEvents.IndexOf(e)).ToArray();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(new[] { 0, 1 }, positions.Take(2));
    }

    [Fact]
    public void BlockLosesNothingAndTheChatWaitsForRoom()
    {
        var maxPending = 0L;
        Recorder? handler = null;
        handler = new Recorder { QueueCapacity = 1, Overflow = AsyncOverflow.Block, Work = (_, ct) => Task.Delay(2, ct) };
        var probe = new Probe(_ => maxPending = Math.Max(maxPending, handler.Pending));
        using (handler)
        {
            var outcome = Chat(new CallbackHandler[] { handler, probe }, tokens: 30);
            Assert.True(handler.Drain(Patience));
            Assert.Equal(0, handler.Dropped);
            Assert.Equal(outcome.Log.Events.Count, handler.Seen.Count);
            Assert.Equal(outcome.Log.Events.Select(e => e.Kind), handler.Seen.Select(e => e.Kind));
            Assert.True(maxPending <= 2, $"at most the queue and the event in hand were pending, saw {maxPending}");
        }
    }

    [Fact]
    public void WithRaiseErrorAFailureStopsTheRunAtTheNextEvent()
    {
        Recorder? handler = null;
        handler = new Recorder
        {
            Name = "auditor",
            RaiseError = true,
            Work = (e, _) => e is LlmNewTokenEvent { Index: 0 } ? throw new InvalidOperationException("audit store is down") : Task.CompletedTask,
        };
        // Token 1 is held on the chat's thread until the failure of token 0 is known.
        var probe = new Probe(e =>
        {
            if (e is not LlmNewTokenEvent { Index: 1 }) return;
            var deadline = DateTime.UtcNow + Patience;
            while (handler.Failed == 0 && DateTime.UtcNow < deadline) Thread.Sleep(1);
        });
        using (handler)
        {
            var outcome = Chat(new CallbackHandler[] { handler, probe }, tokens: 6);
            var error = outcome.Failure;
            Assert.Equal(LlmErrorKind.CallbackFailed, error.Kind);
            Assert.Equal("LlmCallbackFailed", error.ErrorId);
            Assert.Contains("'auditor' failed on LlmNewToken and stopped the run at LlmNewToken: audit store is down", error.Message);
            Assert.IsType<InvalidOperationException>(error.InnerException);
            Assert.Equal(2, outcome.Log.Of<LlmNewTokenEvent>().Count());
            Assert.DoesNotContain(LlmEventName.LlmEnd, outcome.Log.Names);
            Assert.Equal(0, handler.TakeUnreportedLosses()); // told by stopping the run
        }
    }

    [Fact]
    public void WithoutRaiseErrorAFailureIsKeptAndCounted()
    {
        using var handler = new Recorder { Name = "auditor", Work = (e, _) => e.Kind == LlmEventName.LlmEnd ? throw new InvalidOperationException("nope") : Task.CompletedTask };
        var outcome = Chat(new[] { handler });
        Assert.True(handler.Drain(Patience));

        Assert.Equal("t0 t1 t2 t3 t4 ", outcome.Ok.Text);
        Assert.Equal(1, handler.Failed);
        var failure = Assert.Single(handler.Failures);
        Assert.Equal("LlmEnd", failure.EventName);
        Assert.Equal(outcome.Log.Of<LlmEndEvent>().Single().RunId, failure.RunId);
        Assert.Equal("LlmEnd: nope", handler.LastError);
        Assert.Equal(1, handler.TakeUnreportedLosses());
        Assert.Single(handler.TakeFailures());
        Assert.Empty(handler.Failures);
    }

    [Fact]
    public void AFailureFoundOutAfterTheRunEndedDoesNotStopTheNextRun()
    {
        using var gate = new ManualResetEventSlim();
        using var handler = new Recorder
        {
            RaiseError = true,
            Work = (e, ct) => e.Kind == LlmEventName.ChainEnd ? throw new InvalidOperationException("late") : Task.CompletedTask,
        };
        Chat(new[] { handler }).Ok.ToString();
        Assert.True(handler.Drain(Patience));
        Assert.Equal(1, handler.Failed);

        var second = Chat(new[] { handler });
        Assert.Equal("t0 t1 t2 t3 t4 ", second.Ok.Text);
    }

    [Fact]
    public void SeveralAsyncHandlersRunAtTheSameTime()
    {
        // Each waits at ChainStart for the other: only handlers running concurrently both get past.
        using var both = new Barrier(2);
        var met = new bool[2];
        using var first = new Recorder { Work = (e, _) => Task.Run(() => { if (e.Kind == LlmEventName.ChainStart) met[0] = both.SignalAndWait(Patience); }) };
        using var second = new Recorder { Work = (e, _) => Task.Run(() => { if (e.Kind == LlmEventName.ChainStart) met[1] = both.SignalAndWait(Patience); }) };
        Chat(new[] { first, second }).Ok.ToString();
        Assert.True(first.Drain(Patience));
        Assert.True(second.Drain(Patience));
        Assert.Equal(new[] { true, true }, met);
    }

    [Fact]
    public void StopFinishesWhatItCanThenDropsTheRestAndIgnoresLaterEvents()
    {
        using var gate = new ManualResetEventSlim();
        var handler = new Recorder { Work = (_, ct) => Task.Run(() => gate.Wait(ct), ct) };
        var outcome = Chat(new[] { handler });
        var raised = outcome.Log.Events.Count;

        Assert.False(handler.Stop(TimeSpan.FromMilliseconds(20)));
        Assert.True(handler.IsStopped);
        Assert.True(handler.Released);
        Assert.Equal(raised, handler.Dropped);
        Assert.Equal(0, handler.Pending);

        var again = Chat(new[] { handler });
        Assert.Equal("t0 t1 t2 t3 t4 ", again.Ok.Text);
        Assert.Equal(raised, handler.Dropped);
        Assert.Empty(handler.Seen);
    }

    [Fact]
    public void StopWithTimeToSpareHandlesEverythingQueued()
    {
        var handler = new Recorder { Work = (_, ct) => Task.Delay(1, ct) };
        var outcome = Chat(new[] { handler });
        Assert.True(handler.Stop(Patience));
        Assert.Equal(outcome.Log.Events.Count, handler.Seen.Count);
        Assert.Equal(0, handler.Dropped);
        Assert.True(handler.Released);
    }

    [Fact]
    public void StoppingTheChatEndsAnAwaitedWait()
    {
        using var gate = new ManualResetEventSlim();
        using var stop = new CancellationTokenSource();
        using var handler = new Recorder
        {
            AwaitEvents = new[] { LlmEventName.LlmStart },
            AwaitTimeout = TimeSpan.FromMinutes(5),
            Work = (e, ct) => e.Kind == LlmEventName.ChatModelStart ? Task.Run(() => gate.Wait(ct), ct) : Task.CompletedTask,
        };
        // Cancelled once the chat waits at ChatModelStart: ChainStart and Text handled, ChatModelStart in hand.
        _ = Task.Run(async () =>
        {
            while (handler.Seen.Count < 2 || handler.Pending == 0) await Task.Delay(5);
            stop.Cancel();
        });
        var outcome = Chat(new CallbackHandler[] { handler }, cancellationToken: stop.Token);

        Assert.NotNull(outcome.Error);
        Assert.True(stop.IsCancellationRequested);
        Assert.DoesNotContain(outcome.Sink.Reports, r => r.Error is TimeoutException);
        gate.Set();
    }

    [Fact]
    public void QueueCapacityIsFixedOnceEventsArrive()
    {
        using var handler = new Recorder();
        handler.QueueCapacity = 5;
        Chat(new[] { handler }).Ok.ToString();
        Assert.Throws<InvalidOperationException>(() => handler.QueueCapacity = 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recorder().QueueCapacity = 0);
    }

    /// <summary>A handler written as LangChain's chapter writes one: only the On…Async methods it needs.</summary>
    private sealed class StartEndSleeper : AsyncCallbackHandler
    {
        public readonly List<string> Lines = new();
        public override async Task OnLlmStartAsync(LlmStartEvent e, CancellationToken cancellationToken)
        {
            await Task.Delay(10, cancellationToken);
            lock (Lines) Lines.Add("start " + e.Prompts[0]);
        }
        public override async Task OnLlmEndAsync(LlmEndEvent e, CancellationToken cancellationToken)
        {
            await Task.Delay(10, cancellationToken);
            lock (Lines) Lines.Add("end " + e.Response.Text);
        }
    }

    [Fact]
    public void OnMethodsReceiveTheirEventsWithLlmStartFromChatModelStart()
    {
        using var handler = new StartEndSleeper();
        Chat(new[] { handler }).Ok.ToString();
        Assert.True(handler.Drain(Patience));
        Assert.Equal(new[] { "start user: x", "end t0 t1 t2 t3 t4 " }, handler.Lines);
    }
}
