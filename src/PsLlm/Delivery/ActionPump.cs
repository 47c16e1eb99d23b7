using System.Management.Automation;
using PsLlm.Engine.Chat;

namespace PsLlm.Delivery;

/// <summary>
/// Lets queued Register-ObjectEvent / Register-EngineEvent actions run while a chat streams, the
/// way PSReadLine does at the prompt: a nested pipeline on the current runspace, whose end runs
/// pending actions (about two per pipeline). Without it they would all run after the cmdlet.
/// </summary>
internal sealed class ActionPump : IRunPump, IDisposable
{
    private readonly PSEventManager _events;
    private PowerShell? _pipeline;

    public ActionPump(PSEventManager events) => _events = events;

    public void Pump()
    {
        var subscribers = _events.Subscribers.Count;
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
    /// returns; with no subscribers it costs nothing.
    /// </summary>
    public void Flush(TimeSpan budget)
    {
        if (_events.Subscribers.Count == 0) return;
        var deadline = DateTime.UtcNow + budget;
        do
        {
            Pump();
            Thread.Sleep(10);
        }
        while (DateTime.UtcNow < deadline);
        Pump();
    }

    public void Dispose() => _pipeline?.Dispose();
}
