using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace PsLlm.Engine.Callbacks;

/// <summary>
/// The one thread where the handlers and tools of concurrent chats run: PowerShell's pipeline
/// thread, the only one that may run scriptblocks and write to the pipeline. Chats running on
/// other threads hand it each event and each tool call and wait for it to be done, so a run's
/// events still arrive one at a time and in order, while the requests themselves overlap. The
/// owner runs what is handed to it when it waits (<see cref="RunHanded"/>); on its own thread,
/// and where no owner is set, work runs where it is.
/// </summary>
internal sealed class OwnerThread : IDisposable
{
    private static readonly AsyncLocal<OwnerThread?> Ambient = new();
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private readonly BlockingCollection<Handed> _handed = new();
    private readonly CancellationToken _abandoned;

    /// <param name="abandoned">Once cancelled, work handed over fails at once instead of waiting for the owner.</param>
    public OwnerThread(CancellationToken abandoned) => _abandoned = abandoned;

    /// <summary>Makes this the owner for the flow that continues from here (a chat's worker) until the scope ends.</summary>
    public IDisposable Enter()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new Scope(previous);
    }

    /// <summary>True on a worker whose work belongs on an owner thread (a concurrent chat's).</summary>
    public static bool IsElsewhere => Ambient.Value is { } owner && Environment.CurrentManagedThreadId != owner._threadId;

    /// <summary>Runs <paramref name="work"/> on the owner thread of this flow, waiting for it; here when there is none or this is it.</summary>
    public static void Run(Action work)
    {
        if (Ambient.Value is { } owner && Environment.CurrentManagedThreadId != owner._threadId) owner.Hand(work);
        else work();
    }

    /// <summary>Runs <paramref name="work"/> on the owner thread of this flow and returns its result.</summary>
    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        Run(() => { result = work(); });
        return result;
    }

    /// <summary>
    /// On the owner thread: runs what was handed to it, waiting up to <paramref name="wait"/> for
    /// the first piece. Returns how many pieces ran.
    /// </summary>
    public int RunHanded(TimeSpan wait)
    {
        var ran = 0;
        var timeout = wait;
        while (_handed.TryTake(out var handed, timeout))
        {
            handed.RunHere();
            ran++;
            timeout = TimeSpan.Zero;
        }
        return ran;
    }

    /// <summary>Wakes the owner if it waits in <see cref="RunHanded"/> (something it waits for happened elsewhere).</summary>
    public void Wake()
    {
        try
        {
            _handed.Add(new Handed(static () => { }, null));
        }
        catch (ObjectDisposedException)
        {
            // The owner is gone: nobody to wake.
        }
    }

    private void Hand(Action work)
    {
        var handed = new Handed(work, ExecutionContext.Capture());
        _handed.Add(handed);
        handed.Wait(_abandoned);
    }

    /// <summary>One piece of work, run under the context of the flow that handed it (its current run, above all).</summary>
    private sealed class Handed(Action work, ExecutionContext? context)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ExceptionDispatchInfo? _failure;
        private int _state; // 0 waiting, 1 taken by the owner, 2 given up by the worker

        public void RunHere()
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) return;
            try
            {
                if (context is null) work();
                else ExecutionContext.Run(context, static state => ((Action)state!)(), work);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _done.SetResult();
            }
        }

        public void Wait(CancellationToken abandoned)
        {
            try
            {
                _done.Task.Wait(abandoned);
            }
            catch (OperationCanceledException) when (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                // The owner stopped waiting for workers and never took this: it will not run.
                throw;
            }
            catch (OperationCanceledException)
            {
                // The owner took it already: it finishes, so its outcome is known.
                _done.Task.Wait(CancellationToken.None);
            }
            _failure?.Throw();
        }
    }

    /// <summary>Releases the hand-over queue (once no worker hands anything any more).</summary>
    public void Dispose() => _handed.Dispose();

    private sealed class Scope(OwnerThread? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
