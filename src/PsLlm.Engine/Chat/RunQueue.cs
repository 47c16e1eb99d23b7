using System.Collections.Concurrent;

namespace PsLlm.Engine.Chat;

/// <summary>
/// The hand-over between the background HTTP reader and the run's thread: a bounded queue that the
/// run's thread empties in batches. The reader waits asynchronously when the queue is full; the
/// run's thread blocks (without spinning, which would steal a core from the reader on a small
/// machine) until items arrive, the reader finishes, or the poll interval passes so that it can
/// pump PowerShell's event queue.
/// </summary>
internal sealed class RunQueue : IDisposable
{
    private readonly ConcurrentQueue<StreamItem> _items = new();
    private readonly SemaphoreSlim _free;
    private readonly ManualResetEventSlim _arrived = new(initialState: false, spinCount: 0);
    private volatile bool _completed;
    private int _unslotted;

    public RunQueue(int capacity) => _free = new SemaphoreSlim(capacity, capacity);

    /// <summary>True once the reader has finished and everything it queued was taken.</summary>
    public bool IsDone => _completed && _items.IsEmpty;

    /// <summary>Queues an item, waiting while the queue is full. Reader side.</summary>
    public async ValueTask AddAsync(StreamItem item, CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        _items.Enqueue(item);
        _arrived.Set();
    }

    /// <summary>Queues an item without waiting for room (the last ones: an error, the tool calls). Reader side.</summary>
    public void AddFinal(StreamItem item)
    {
        if (!_free.Wait(0)) Interlocked.Increment(ref _unslotted);
        _items.Enqueue(item);
        _arrived.Set();
    }

    /// <summary>The reader has finished (in every case, from its finally block).</summary>
    public void Complete()
    {
        _completed = true;
        _arrived.Set();
    }

    /// <summary>
    /// Takes everything queued into <paramref name="batch"/>, waiting up to <paramref name="timeout"/>
    /// for something to arrive when nothing is queued. Run side.
    /// </summary>
    public void TakeBatch(List<StreamItem> batch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A stopped run stops here, also when the reader (stopped by the same token) has already finished.
        cancellationToken.ThrowIfCancellationRequested();
        batch.Clear();
        // Reset before looking, so that an item queued after the look sets it again.
        _arrived.Reset();
        Drain(batch);
        if (batch.Count > 0 || _completed) return;
        _arrived.Wait(timeout, cancellationToken);
        Drain(batch);
    }

    private void Drain(List<StreamItem> batch)
    {
        var taken = 0;
        while (_items.TryDequeue(out var item))
        {
            batch.Add(item);
            taken++;
        }
        if (taken == 0) return;
        // Items queued past capacity took no slot, so they give none back.
        var owed = Interlocked.Exchange(ref _unslotted, 0);
        if (owed > taken)
        {
            Interlocked.Add(ref _unslotted, owed - taken);
            owed = taken;
        }
        if (taken > owed) _free.Release(taken - owed);
    }

    public void Dispose()
    {
        _free.Dispose();
        _arrived.Dispose();
    }
}
