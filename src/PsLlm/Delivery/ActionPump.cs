using System.Diagnostics;
using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Delivery;

/// <summary>
/// Lets queued Register-ObjectEvent / Register-EngineEvent actions on PsLlm's events run while a
/// chat streams, the way PSReadLine does at the prompt: a nested pipeline on the current runspace,
/// whose end runs pending actions (about two per pipeline). Without it they would all run after
/// the cmdlet. It pumps only when someone subscribed to PsLlm's own events (a client's or a
/// session's .NET events, or engine events named PsLlm.*) and at most every few milliseconds, so
/// an unrelated subscriber in the session (a timer, a FileSystemWatcher) costs a chat nothing.
/// </summary>
internal sealed class ActionPump : IRunPump, IDisposable
{
    private static readonly long MinimumInterval = Stopwatch.Frequency * 5 / 1000;
    private readonly PSEventManager _events;
    private PowerShell? _pipeline;
    private long _lastPump = -MinimumInterval;

    public ActionPump(PSEventManager events) => _events = events;

    public void Pump()
    {
        var now = Stopwatch.GetTimestamp();
        if (now - _lastPump < MinimumInterval) return;
        _lastPump = now;
        var subscribers = PsLlmSubscribers();
        if (subscribers == 0) return;
        _pipeline ??= PowerShell.Create(RunspaceMode.CurrentRunspace)
            .AddScript("[System.Diagnostics.DebuggerHidden()]param() 0", useLocalScope: true);
        try
        {
            for (var i = 0; i < (subscribers + 1) / 2; i++) _pipeline.Invoke();
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the run notices through its cancellation token on the next poll.
        }
    }

    /// <summary>
    /// After a run: PowerShell queues .NET-event actions through the thread pool, so the last
    /// events (LlmEnd, ChainEnd) may reach the action queue just after the final pump. Pumping a
    /// few more times, for at most <paramref name="budget"/>, lets them run before the cmdlet
    /// returns; without subscribers to PsLlm's events it costs nothing.
    /// </summary>
    public void Flush(TimeSpan budget)
    {
        if (PsLlmSubscribers() == 0) return;
        var deadline = DateTime.UtcNow + budget;
        do
        {
            _lastPump = -MinimumInterval;
            Pump();
            Thread.Sleep(10);
        }
        while (DateTime.UtcNow < deadline);
        _lastPump = -MinimumInterval;
        Pump();
    }

    /// <summary>Subscribers to a PsLlm object's .NET events or to a PsLlm.* engine event.</summary>
    private int PsLlmSubscribers()
    {
        var count = 0;
        foreach (var subscriber in _events.Subscribers)
            if (subscriber.SourceObject is LlmEventSource
                || subscriber.SourceIdentifier?.StartsWith(EngineEventPublisher.Prefix, StringComparison.OrdinalIgnoreCase) == true)
                count++;
        return count;
    }

    public void Dispose() => _pipeline?.Dispose();
}
