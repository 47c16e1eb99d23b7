using System.Threading.Channels;

namespace PsLlm.Engine.Observability;

/// <summary>
/// Hands work from the chat's thread to one background worker, so a slow disk, database or
/// collector never slows the chat. The queue is bounded: when it is full the NEWEST item is
/// dropped (the chat never waits) and counted in <see cref="Dropped"/>; handlers report drops.
/// A failing item is counted in <see cref="Failed"/> and the worker goes on.
/// </summary>
internal sealed class BoundedWorkQueue<T> : IDisposable
{
    private readonly Channel<T> _channel;
    private readonly Func<T, CancellationToken, Task> _work;
    private readonly Task _worker;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _progress = new();
    private long _dropped;
    private long _failed;
    private long _done;
    private long _accepted;

    public BoundedWorkQueue(int capacity, Func<T, CancellationToken, Task> work, Action<T, Exception>? onFailure = null)
    {
        Capacity = capacity;
        _work = work;
        OnFailure = onFailure;
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails fast instead of waiting
        });
        _worker = Task.Run(RunAsync);
    }

    public int Capacity { get; }
    /// <summary>Items refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Items whose work threw.</summary>
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Items processed (successfully or not).</summary>
    public long Processed => Interlocked.Read(ref _done);
    private Action<T, Exception>? OnFailure { get; }

    /// <summary>Queues an item without ever blocking; false (and counted) when the queue is full or closed.</summary>
    public bool TryEnqueue(T item)
    {
        if (_channel.Writer.TryWrite(item))
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Waits until everything queued so far is processed, or the timeout passes. True when drained.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var target = Interlocked.Read(ref _accepted);
        var deadline = DateTime.UtcNow + timeout;
        lock (_progress)
        {
            // The worker pulses after every item, so a flush returns as soon as it catches up.
            while (Interlocked.Read(ref _done) < target)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _worker.IsCompleted) return Interlocked.Read(ref _done) >= target;
                Monitor.Wait(_progress, left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
        }
        return true;
    }

    private async Task RunAsync()
    {
        await foreach (var item in _channel.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                await _work(item, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failed);
                try { OnFailure?.Invoke(item, ex); } catch { /* reporting must not stop the worker */ }
            }
            finally
            {
                Interlocked.Increment(ref _done);
                lock (_progress) Monitor.PulseAll(_progress);
            }
        }
    }

    /// <summary>Stops accepting, processes what is queued (for at most <paramref name="drainTimeout"/>), then stops.</summary>
    public void Complete(TimeSpan drainTimeout)
    {
        _channel.Writer.TryComplete();
        if (!_worker.Wait(drainTimeout)) _stop.Cancel();
        try { _worker.Wait(TimeSpan.FromSeconds(1)); } catch (AggregateException) { }
    }

    public void Dispose()
    {
        Complete(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
