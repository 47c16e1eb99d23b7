using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;

namespace PsLlm.Engine;

/// <summary>
/// Runs many chats at once (Invoke-LlmChat -ThrottleLimit): up to a limit of requests overlap on
/// worker threads, while every event, tool call and approval of every chat happens on the thread
/// that made this object (PowerShell's pipeline thread), in order within each chat, whenever that
/// thread waits here. Chats of one session run one after another, as consecutive turns. Each chat
/// ends exactly once, as an <see cref="ConcurrentChatOutcome"/> with its input: answered, failed,
/// stopped, or not started because the whole batch was stopped.
/// </summary>
public sealed class ConcurrentChats : IDisposable
{
    private readonly int _limit;
    private readonly bool _ordered;
    private readonly CancellationToken _stop;
    private readonly OwnerThread _owner;
    // Cancelled only when this object is let go: until then a stopped chat still raises its error
    // events on the waiting thread, as a stopped chat on one thread does.
    private readonly CancellationTokenSource _abandoned = new();
    private readonly Queue<Pending> _waiting = new();
    private readonly HashSet<ChatSession> _busySessions = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();
    private readonly List<Pending> _finished = new();
    private readonly SortedDictionary<long, ConcurrentChatOutcome> _held = new();
    private long _nextSequence;
    private long _nextToRelease;
    private int _running;

    /// <param name="throttleLimit">How many chats may be under way at once (1 or more).</param>
    /// <param name="ordered">Hand outcomes out in the order the chats were added (else as they end).</param>
    /// <param name="cancellationToken">Stops every chat; those not started end as LlmNotStarted.</param>
    public ConcurrentChats(int throttleLimit, bool ordered, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        _limit = throttleLimit;
        _ordered = ordered;
        _stop = cancellationToken;
        _owner = new OwnerThread(_abandoned.Token);
    }

    /// <summary>Chats added and not yet handed out as outcomes.</summary>
    public int Outstanding { get; private set; }

    /// <summary>Chats under way now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>True when adding another chat should wait: as many are outstanding as may run at once.</summary>
    public bool IsFull => Outstanding >= _limit;

    /// <summary>
    /// Adds a chat, started as soon as there is room (and its session is free). Its
    /// <paramref name="options"/> are the run's handlers as for <see cref="ChatEngine.Run"/>;
    /// their pump is not used (waiting here pumps). Checked first, as <see cref="ChatEngine.Run"/>
    /// does: bad input throws here, before anything is sent.
    /// </summary>
    public void Add(LlmClient client, ChatRequest request, RunOptions options, object? input)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ChatRequestValidator.Validate(request, client);
        var pending = new Pending(_nextSequence++, client, request, options, input);
        Outstanding++;
        _waiting.Enqueue(pending);
        StartWhatFits();
    }

    /// <summary>
    /// Waits for chats to end, running their events and tools on this thread meanwhile and calling
    /// <paramref name="pump"/> between them; returns the outcomes ready to hand out (at least one,
    /// unless nothing is outstanding). With <paramref name="all"/>, waits for every chat.
    /// </summary>
    public IReadOnlyList<ConcurrentChatOutcome> Wait(IRunPump? pump, bool all = false)
    {
        var ready = new List<ConcurrentChatOutcome>();
        while (Outstanding > 0)
        {
            _owner.RunHanded(TimeSpan.FromMilliseconds(20));
            pump?.Pump();
            Collect(ready);
            StartWhatFits();
            if (ready.Count > 0 && !all) break;
        }
        return ready;
    }

    private void StartWhatFits()
    {
        if (_stop.IsCancellationRequested)
        {
            // Stopped: nothing more starts; what waited ends as not started.
            while (_waiting.TryDequeue(out var unstarted)) Finish(unstarted, null, NotStarted());
            return;
        }
        var skipped = new List<Pending>();
        while (Running < _limit && _waiting.TryDequeue(out var next))
        {
            if (next.Request.Session is { } session && !_busySessions.Add(session))
            {
                skipped.Add(next);
                continue;
            }
            Interlocked.Increment(ref _running);
            // A thread of its own: the chat waits synchronously (for its stream, for the waiting
            // thread), and sixteen such waits on pool threads would starve the pool that reads the
            // HTTP responses.
            _ = Task.Factory.StartNew(() => RunOnWorker(next), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        // Chats of a busy session keep their place for when it is free.
        if (skipped.Count > 0)
        {
            var rest = _waiting.ToArray();
            _waiting.Clear();
            foreach (var p in skipped.Concat(rest)) _waiting.Enqueue(p);
        }
    }

    private void RunOnWorker(Pending pending)
    {
        ChatResponse? response = null;
        Exception? error = null;
        try
        {
            using var owner = _owner.Enter();
            // A worker never pumps: waiting on the owner thread does.
            var options = pending.Options with { Pump = null };
            response = new ChatRunner(pending.Client).Invoke(pending.Request, options, _stop);
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
        Finish(pending, response, error);
    }

    private void Finish(Pending pending, ChatResponse? response, Exception? error)
    {
        pending.Response = response;
        pending.Error = error;
        lock (_gate) _finished.Add(pending);
        // The waiting thread hands the next chat its place at once, not at its next poll.
        _owner.Wake();
    }

    private void Collect(List<ConcurrentChatOutcome> ready)
    {
        List<Pending> finished;
        lock (_gate)
        {
            if (_finished.Count == 0) return;
            finished = [.. _finished];
            _finished.Clear();
        }
        foreach (var pending in finished)
        {
            if (pending.Request.Session is { } session) _busySessions.Remove(session);
            var outcome = new ConcurrentChatOutcome(pending.Sequence, pending.Input, pending.Response, pending.Error);
            if (!_ordered)
            {
                Outstanding--;
                ready.Add(outcome);
                continue;
            }
            _held[outcome.Sequence] = outcome;
        }
        while (_ordered && _held.Remove(_nextToRelease, out var next))
        {
            Outstanding--;
            _nextToRelease++;
            ready.Add(next);
        }
    }

    /// <summary>Releases what the object holds; call once <see cref="Outstanding"/> is zero (every chat ended).</summary>
    public void Dispose()
    {
        _abandoned.Cancel();
        _owner.Dispose();
        _abandoned.Dispose();
    }

    private static LlmException NotStarted() =>
        new(LlmErrorKind.Cancelled, "LlmNotStarted", "The chat was not started: the pipeline was stopped first.");

    private sealed class Pending(long sequence, LlmClient client, ChatRequest request, RunOptions options, object? input)
    {
        public long Sequence { get; } = sequence;
        public LlmClient Client { get; } = client;
        public ChatRequest Request { get; } = request;
        public RunOptions Options { get; } = options;
        public object? Input { get; } = input;
        public ChatResponse? Response { get; set; }
        public Exception? Error { get; set; }
    }
}

/// <summary>
/// How one chat of <see cref="ConcurrentChats"/> ended: its <see cref="Response"/>, or its
/// <see cref="Error"/> (an <see cref="LlmException"/>, or an OperationCanceledException whose inner
/// LlmException has the partial answer), with the <see cref="Input"/> it was added with.
/// </summary>
/// <param name="Sequence">The chat's place in the order chats were added, from 0.</param>
/// <param name="Input">What the chat was added with (the piped object).</param>
/// <param name="Response">The answer; null when the chat failed.</param>
/// <param name="Error">Why the chat failed; null when it was answered.</param>
public sealed record ConcurrentChatOutcome(long Sequence, object? Input, ChatResponse? Response, Exception? Error);
