using System.Threading.Channels;

namespace PsLlm;

/// <summary>
/// Base class for handlers that must not slow the chat, after LangChain's AsyncCallbackHandler:
/// override the <c>On…Async</c> methods (or <see cref="HandleAsync"/>). Events go through a
/// bounded queue to a worker of the handler's own and are handled there one at a time, in the
/// order they were raised, with the same RunId, ParentRunId, Tags and Metadata a synchronous
/// handler sees; several async handlers run at the same time as each other and as the chat.
/// </summary>
/// <remarks>
/// <para>
/// The chat waits for the handler only at the events named in <see cref="AwaitEvents"/> (as
/// LangChain awaits its async handlers), for at most <see cref="AwaitTimeout"/>; after that it goes
/// on and the run's warnings say so. When the queue is full (<see cref="QueueCapacity"/>) the
/// event is dropped and counted (<see cref="AsyncOverflow.DropNewest"/>) or the chat waits for room
/// (<see cref="AsyncOverflow.Block"/>).
/// </para>
/// <para>
/// A failure is found out on the worker, after the chat has moved on. With
/// <see cref="CallbackHandler.RaiseError"/> it stops the run at the next event of that run that
/// reaches the handler (at once for an awaited event); a failure found out after the run's last
/// event, or without RaiseError, is counted in <see cref="Failed"/>, kept in
/// <see cref="Failures"/> and reported as a warning when a chat ends.
/// </para>
/// <para>
/// Write these in C#. From PowerShell script use <c>Register-LlmCallback -Async</c>, which runs a
/// scriptblock in a runspace of its own: a PowerShell class method cannot run on the worker.
/// </para>
/// </remarks>
public abstract class AsyncCallbackHandler : CallbackHandler, IRecordingHandler, IDisposable
{
    /// <summary>How many failures <see cref="Failures"/> keeps (the newest).</summary>
    public const int FailuresKept = 100;

    private static readonly List<WeakReference<AsyncCallbackHandler>> Started = new();
    private static bool s_exitHooked;

    private readonly object _gate = new();
    private readonly object _progress = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<AsyncCallbackFailure> _failures = new();
    private Channel<Item>? _queue;
    private Task? _worker;
    private volatile bool _closed;
    private int _capacity = 1000;
    private AsyncOverflow _overflow;
    private LlmEventName[] _awaitEvents = Array.Empty<LlmEventName>();
    private TimeSpan _awaitTimeout = TimeSpan.FromSeconds(30);
    private long _accepted;
    private long _processed;
    private long _dropped;
    private long _failed;
    private long _told;
    private string? _lastError;
    private AsyncCallbackFailure? _pending;

    private sealed record Item(LlmEvent Event, TaskCompletionSource<Exception?>? Done);

    /// <summary>
    /// Events the queue holds before <see cref="Overflow"/> applies (default 1000). Set before the
    /// first event; the queue is made then.
    /// </summary>
    public int QueueCapacity
    {
        get => _capacity;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "QueueCapacity must be at least 1.");
            SetBeforeStart(() => _capacity = value);
        }
    }

    /// <summary>What happens to an event when the queue is full (default <see cref="AsyncOverflow.DropNewest"/>).</summary>
    public AsyncOverflow Overflow
    {
        get => _overflow;
        set => _overflow = value;
    }

    /// <summary>
    /// Events at which the chat waits until the handler has handled them (and every event before
    /// them), for at most <see cref="AwaitTimeout"/>. LlmStart covers ChatModelStart, whose
    /// default handling calls <see cref="OnLlmStartAsync"/>. None by default.
    /// </summary>
    public LlmEventName[] AwaitEvents
    {
        get => (LlmEventName[])_awaitEvents.Clone();
        set => _awaitEvents = value is null ? Array.Empty<LlmEventName>() : (LlmEventName[])value.Clone();
    }

    /// <summary>How long the chat waits at an awaited event before it goes on with a warning (default 30 s).</summary>
    public TimeSpan AwaitTimeout
    {
        get => _awaitTimeout;
        set
        {
            if (value < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value), value, "AwaitTimeout cannot be negative.");
            _awaitTimeout = value;
        }
    }

    /// <summary>Events dropped: the queue was full, or the handler was stopped before it handled them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events whose handling threw.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Events handled, successfully or not.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Events queued and not handled yet.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _accepted) - Interlocked.Read(ref _processed) - AbandonedCount);

    /// <summary>"&lt;event&gt;: &lt;message&gt;" of the last failure; null when none has happened.</summary>
    public string? LastError => _lastError;

    /// <summary>True once <see cref="Stop"/> (or Unregister-LlmCallback, or removing the module) stopped the handler; later events are ignored.</summary>
    public bool IsStopped => _closed;

    /// <summary>The newest failures (up to <see cref="FailuresKept"/>), oldest first.</summary>
    public IReadOnlyList<AsyncCallbackFailure> Failures
    {
        get { lock (_failures) return _failures.ToArray(); }
    }

    private long _abandoned;
    private long AbandonedCount => Interlocked.Read(ref _abandoned);

    /// <summary>Removes and returns the failures kept so far (Receive-LlmCallback).</summary>
    public IReadOnlyList<AsyncCallbackFailure> TakeFailures()
    {
        lock (_failures)
        {
            var taken = _failures.ToArray();
            _failures.Clear();
            return taken;
        }
    }

    /// <inheritdoc/>
    public long TakeUnreportedLosses()
    {
        var lost = Dropped + Failed;
        return lost - Interlocked.Exchange(ref _told, lost);
    }

    /// <summary>
    /// Queues the event for the worker and returns at once, unless the event is awaited or the
    /// queue is full and <see cref="Overflow"/> is <see cref="AsyncOverflow.Block"/>. Sealed: the
    /// work belongs in <see cref="HandleAsync"/> and the <c>On…Async</c> methods.
    /// </summary>
    public sealed override void Handle(LlmEvent e)
    {
        if (_closed) return;
        ThrowIfFailed(e);
        var queue = EnsureStarted();
        var awaited = Awaits(e.Kind);
        var item = new Item(e, awaited ? new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously) : null);
        if (!queue.Writer.TryWrite(item) && !(_overflow == AsyncOverflow.Block && WriteWhenRoom(queue, item)))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        Interlocked.Increment(ref _accepted);
        if (item.Done is null) return;

        var cancellation = RaiseContext.Cancellation;
        try
        {
            if (!item.Done.Task.Wait(_awaitTimeout, cancellation))
                throw new AsyncCallbackTimeoutException(Name, e.EventName, _awaitTimeout);
        }
        catch (OperationCanceledException)
        {
            return; // the chat is being stopped: it does not wait any more
        }
        ThrowIfFailed(e);
    }

    /// <summary>
    /// For an event the handler does not receive (its registration filters events): a failure
    /// held for RaiseError still stops the run at that event.
    /// </summary>
    internal void ThrowIfFailed(LlmEvent e)
    {
        var pending = Volatile.Read(ref _pending);
        if (pending is null || !RaiseError) return;
        if (!Related(pending.Event, e)) return;
        if (Interlocked.CompareExchange(ref _pending, null, pending) != pending) return;
        Interlocked.Increment(ref _told);
        throw new AsyncCallbackFailedException(pending);
    }

    // A failure stops the run it happened in: the event's own run, its parent, or their children.
    private static bool Related(LlmEvent failed, LlmEvent now) =>
        now.RunId == failed.RunId
        || (failed.ParentRunId is { } parent && (now.RunId == parent || now.ParentRunId == parent))
        || now.ParentRunId == failed.RunId;

    private bool Awaits(LlmEventName kind)
    {
        var names = _awaitEvents;
        if (names.Length == 0) return false;
        foreach (var name in names)
            if (name == kind || (name == LlmEventName.LlmStart && kind == LlmEventName.ChatModelStart)) return true;
        return false;
    }

    private bool WriteWhenRoom(Channel<Item> queue, Item item)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(RaiseContext.Cancellation, _stop.Token);
        try
        {
            queue.Writer.WriteAsync(item, both.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Handles one event on the worker. The default calls the matching <c>On…Async</c> method;
    /// override it to receive every event in one place. <paramref name="cancellationToken"/> is
    /// cancelled when the handler is stopped without time to finish.
    /// </summary>
    public virtual Task HandleAsync(LlmEvent e, CancellationToken cancellationToken) => e switch
    {
        ChainStartEvent x => OnChainStartAsync(x, cancellationToken),
        ChainEndEvent x => OnChainEndAsync(x, cancellationToken),
        ChainErrorEvent x => OnChainErrorAsync(x, cancellationToken),
        ChatModelStartEvent x => OnChatModelStartAsync(x, cancellationToken),
        LlmStartEvent x => OnLlmStartAsync(x, cancellationToken),
        LlmNewTokenEvent x => OnLlmNewTokenAsync(x, cancellationToken),
        LlmEndEvent x => OnLlmEndAsync(x, cancellationToken),
        LlmErrorEvent x => OnLlmErrorAsync(x, cancellationToken),
        TextEvent x => OnTextAsync(x, cancellationToken),
        RetryEvent x => OnRetryAsync(x, cancellationToken),
        AgentActionEvent x => OnAgentActionAsync(x, cancellationToken),
        ToolStartEvent x => OnToolStartAsync(x, cancellationToken),
        ToolEndEvent x => OnToolEndAsync(x, cancellationToken),
        ToolErrorEvent x => OnToolErrorAsync(x, cancellationToken),
        AgentFinishEvent x => OnAgentFinishAsync(x, cancellationToken),
        _ => Task.CompletedTask,
    };

    /// <summary>A chain run started.</summary>
    public virtual Task OnChainStartAsync(ChainStartEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A chain run finished.</summary>
    public virtual Task OnChainEndAsync(ChainEndEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A chain run failed, was cancelled or was stopped.</summary>
    public virtual Task OnChainErrorAsync(ChainErrorEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>Default: <see cref="OnLlmStartAsync"/> with the messages as text, as LangChain does.</summary>
    public virtual Task OnChatModelStartAsync(ChatModelStartEvent e, CancellationToken cancellationToken) => OnLlmStartAsync(LlmStartEvent.From(e), cancellationToken);
    /// <summary>LangChain's on_llm_start: the prompts as text.</summary>
    public virtual Task OnLlmStartAsync(LlmStartEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A streamed piece of the answer (or of the reasoning) arrived.</summary>
    public virtual Task OnLlmNewTokenAsync(LlmNewTokenEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A model call finished, with its complete response.</summary>
    public virtual Task OnLlmEndAsync(LlmEndEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A model call failed, was cancelled or was stopped.</summary>
    public virtual Task OnLlmErrorAsync(LlmErrorEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>Text from a chain, such as the prompt.</summary>
    public virtual Task OnTextAsync(TextEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A request failed and is about to be sent again.</summary>
    public virtual Task OnRetryAsync(RetryEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>The model asked for a tool.</summary>
    public virtual Task OnAgentActionAsync(AgentActionEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A tool run started.</summary>
    public virtual Task OnToolStartAsync(ToolStartEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A tool run finished.</summary>
    public virtual Task OnToolEndAsync(ToolEndEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>A tool call failed.</summary>
    public virtual Task OnToolErrorAsync(ToolErrorEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>The model gave its final answer after using tools.</summary>
    public virtual Task OnAgentFinishAsync(AgentFinishEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Waits until every event queued so far is handled, or <paramref name="timeout"/> passes
    /// (Wait-LlmCallback). True when drained. <paramref name="cancellationToken"/> ends the wait early (false).
    /// </summary>
    public bool Drain(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _accepted);
        var deadline = DateTime.UtcNow + timeout;
        lock (_progress)
        {
            while (Interlocked.Read(ref _processed) + AbandonedCount < target)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested || _worker is null || _worker.IsCompleted)
                    return Interlocked.Read(ref _processed) + AbandonedCount >= target;
                // Short slices, so a cancelled wait (Ctrl+C) ends promptly.
                Monitor.Wait(_progress, left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
            }
        }
        return true;
    }

    /// <summary>
    /// Stops the handler: no new events are taken, those queued are handled for at most
    /// <paramref name="drainTimeout"/>, then the worker's token is cancelled and what is left is
    /// dropped (counted). True when everything queued was handled. Later events are ignored.
    /// </summary>
    public bool Stop(TimeSpan drainTimeout)
    {
        Task? worker;
        lock (_gate)
        {
            _closed = true;
            _queue?.Writer.TryComplete();
            worker = _worker;
        }
        if (worker is null)
        {
            OnStopped();
            return true;
        }
        var drained = SafeWait(worker, drainTimeout);
        if (!drained)
        {
            _stop.Cancel();
            SafeWait(worker, TimeSpan.FromSeconds(2));
        }
        return drained;
    }

    /// <summary>Stops the handler, giving it up to 5 seconds to finish what is queued.</summary>
    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        GC.SuppressFinalize(this);
    }

    /// <summary>Called once the worker has ended (or at <see cref="Stop"/> when it never started): release what the handler holds.</summary>
    protected virtual void OnStopped() { }

    private static bool SafeWait(Task task, TimeSpan timeout)
    {
        try { return task.Wait(timeout); }
        catch (AggregateException) { return true; }
    }

    private void SetBeforeStart(Action set)
    {
        lock (_gate)
        {
            if (_queue is not null) throw new InvalidOperationException("QueueCapacity cannot change once the handler has received an event.");
            set();
        }
    }

    private Channel<Item> EnsureStarted()
    {
        var queue = _queue;
        if (queue is not null) return queue;
        lock (_gate)
        {
            if (_queue is not null) return _queue;
            queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(_capacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait, // TryWrite fails fast; Block waits in WriteWhenRoom
            });
            _worker = Task.Run(() => RunAsync(queue.Reader));
            _queue = queue;
        }
        WatchProcessExit(this);
        return queue;
    }

    private async Task RunAsync(ChannelReader<Item> reader)
    {
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    Exception? failure = null;
                    try
                    {
                        await HandleAsync(item.Event, _stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (_stop.IsCancellationRequested)
                    {
                        // Stopped without time to finish: not the handler's failure.
                        _ = ex;
                        Interlocked.Increment(ref _dropped);
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                        Fail(item.Event, ex);
                    }
                    finally
                    {
                        Interlocked.Increment(ref _processed);
                        item.Done?.TrySetResult(failure);
                        lock (_progress) Monitor.PulseAll(_progress);
                    }
                    if (_stop.IsCancellationRequested) break;
                }
                if (_stop.IsCancellationRequested) break;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // What the stop left in the queue was never handled.
            while (reader.TryRead(out var left))
            {
                Interlocked.Increment(ref _dropped);
                Interlocked.Increment(ref _abandoned);
                left.Done?.TrySetResult(null);
            }
            lock (_progress) Monitor.PulseAll(_progress);
            try { OnStopped(); } catch { /* releasing must not hide the stop */ }
        }
    }

    private void Fail(LlmEvent e, Exception ex)
    {
        var failure = new AsyncCallbackFailure(Name, e, ex);
        Interlocked.Increment(ref _failed);
        _lastError = $"{e.EventName}: {ex.Message}";
        lock (_failures)
        {
            _failures.Enqueue(failure);
            while (_failures.Count > FailuresKept) _failures.Dequeue();
        }
        if (RaiseError) Interlocked.CompareExchange(ref _pending, failure, null);
    }

    // Process exit (pwsh's exit) gives every started handler a bounded time to finish.
    private static void WatchProcessExit(AsyncCallbackHandler handler)
    {
        lock (Started)
        {
            Started.RemoveAll(w => !w.TryGetTarget(out var h) || h._closed);
            Started.Add(new WeakReference<AsyncCallbackHandler>(handler));
            if (s_exitHooked) return;
            s_exitHooked = true;
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll(TimeSpan.FromSeconds(5));
    }

    /// <summary>Stops every started handler, sharing <paramref name="total"/> between them (process exit, module removal).</summary>
    internal static void StopAll(TimeSpan total)
    {
        AsyncCallbackHandler[] live;
        lock (Started)
            live = Started.Select(w => w.TryGetTarget(out var h) ? h : null).OfType<AsyncCallbackHandler>().Where(h => !h._closed).ToArray();
        var deadline = DateTime.UtcNow + total;
        foreach (var handler in live)
        {
            var left = deadline - DateTime.UtcNow;
            handler.Stop(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }
}

/// <summary>
/// The cancellation of the run whose events are being raised on this thread, so an awaited event
/// or a blocked queue stops waiting when the chat is stopped (Ctrl+C). The engine sets it around
/// each raise.
/// </summary>
internal static class RaiseContext
{
    [ThreadStatic] private static CancellationToken t_cancellation;

    public static CancellationToken Cancellation
    {
        get => t_cancellation;
        set => t_cancellation = value;
    }
}

/// <summary>An awaited event took longer than the handler's AwaitTimeout: the chat went on (a warning, never a stop).</summary>
internal sealed class AsyncCallbackTimeoutException : TimeoutException
{
    public AsyncCallbackTimeoutException(string handlerName, string eventName, TimeSpan timeout)
        : base($"Async handler '{handlerName}' did not finish {eventName} within {timeout.TotalSeconds:0.###} s; the chat went on without waiting for it.")
    {
    }
}

/// <summary>A failure of an async handler with RaiseError, found out after the event it happened on.</summary>
internal sealed class AsyncCallbackFailedException : Exception
{
    public AsyncCallbackFailedException(AsyncCallbackFailure failure)
        : base(failure.Exception.Message, failure.Exception) => Failure = failure;

    public AsyncCallbackFailure Failure { get; }
}
