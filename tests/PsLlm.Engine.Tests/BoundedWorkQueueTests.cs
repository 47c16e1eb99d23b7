using PsLlm.Engine.Observability;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The background queue never blocks the producer, counts drops and failures, and drains.</summary>
public sealed class BoundedWorkQueueTests
{
    [Fact]
    public void ProcessesInOrderAndFlushes()
    {
        var seen = new List<int>();
        using var queue = new BoundedWorkQueue<int>(100, (i, _) => { lock (seen) seen.Add(i); return Task.CompletedTask; });
        for (var i = 0; i < 50; i++) Assert.True(queue.TryEnqueue(i));
        Assert.True(queue.Flush(TimeSpan.FromSeconds(10)));
        Assert.Equal(Enumerable.Range(0, 50), seen);
        Assert.Equal(0, queue.Dropped);
    }

    [Fact]
    public void FullQueueDropsTheNewestWithoutWaiting()
    {
        using var gate = new ManualResetEventSlim();
        using var queue = new BoundedWorkQueue<int>(2, (_, _) => { gate.Wait(); return Task.CompletedTask; });
        var accepted = Enumerable.Range(0, 10).Count(queue.TryEnqueue);
        // One item may already be with the worker, two wait in the queue; the rest are dropped.
        Assert.InRange(accepted, 2, 3);
        Assert.Equal(10 - accepted, queue.Dropped);
        gate.Set();
        Assert.True(queue.Flush(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void FailuresAreCountedAndTheWorkerGoesOn()
    {
        var failures = new List<int>();
        var done = new List<int>();
        using var queue = new BoundedWorkQueue<int>(10,
            (i, _) => i % 2 == 0 ? throw new IOException("disk") : Task.Run(() => { lock (done) done.Add(i); }),
            (i, _) => { lock (failures) failures.Add(i); });
        for (var i = 0; i < 6; i++) queue.TryEnqueue(i);
        Assert.True(queue.Flush(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, queue.Failed);
        Assert.Equal(new[] { 0, 2, 4 }, failures);
        Assert.Equal(new[] { 1, 3, 5 }, done);
    }

    [Fact]
    public void CompleteDrainsWhatWasQueued()
    {
        var count = 0;
        var queue = new BoundedWorkQueue<int>(100, async (_, ct) => { await Task.Delay(5, ct); Interlocked.Increment(ref count); });
        for (var i = 0; i < 20; i++) queue.TryEnqueue(i);
        queue.Complete(TimeSpan.FromSeconds(10));
        Assert.Equal(20, count);
        Assert.False(queue.TryEnqueue(99));
    }
}
