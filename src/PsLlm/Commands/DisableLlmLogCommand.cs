using System.Management.Automation;
using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Stops logging chats to SQLite: writes the runs still queued, closes the database, unregisters the handler.</para>
/// <para type="description">Warns when runs were not logged (dropped because the write queue was full, or failed to write).
/// The database and its rows stay; Get-LlmLog and Get-LlmUsage still read them.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "LlmLog")]
[OutputType(typeof(LlmLogStatus))]
public sealed class DisableLlmLogCommand : PSCmdlet
{
    /// <summary>How long to wait for queued runs to be written.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Write the log's final status (path and counts of written, dropped and failed runs).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var state = ModuleState.Current;
        if (state.Log is not { } handler)
        {
            WriteVerbose("The log is not enabled.");
            return;
        }
        Stop(this, state, handler);
        if (PassThru) WriteObject(handler.Status());
    }

    /// <summary>Unregisters and closes <paramref name="handler"/>, warning about lost runs.</summary>
    internal static void Stop(PSCmdlet cmdlet, ModuleState state, SqliteLogHandler handler)
    {
        foreach (var registration in state.Registrations.Where(r => ReferenceEquals(r.Handler, handler)))
            state.Remove(registration);
        handler.Close(DrainTimeout);
        if (ReferenceEquals(state.Log, handler)) state.Log = null;
        GetLlmLogCommand.WarnAboutLosses(cmdlet, handler, always: true);
        cmdlet.WriteVerbose($"Stopped logging to {handler.DatabasePath}: {handler.Written} runs written.");
    }
}
