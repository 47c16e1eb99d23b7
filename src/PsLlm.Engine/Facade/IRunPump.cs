namespace PsLlm.Engine;

/// <summary>
/// Called on the run's thread after every streamed item and on every idle poll. In PowerShell it
/// runs queued Register-ObjectEvent/Register-EngineEvent actions, which otherwise wait until the
/// cmdlet returns.
/// </summary>
public interface IRunPump
{
    /// <summary>Runs what the host has queued; called on the run's thread, only between events.</summary>
    void Pump();
}
