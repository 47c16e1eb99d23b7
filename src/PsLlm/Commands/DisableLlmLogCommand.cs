using System.Management.Automation;
using PsLlm.State;

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
    /// <summary>Write the log's final status (path and counts of written, dropped and failed runs).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var state = ModuleState.Current;
        if (state.Log.Writer is not { } writer)
        {
            WriteVerbose("The log is not enabled.");
            return;
        }
        state.RemoveHandler(writer);
        var status = state.Log.Stop(WriteWarning)!;
        WriteVerbose($"Stopped logging to {status.Path}: {status.Written} runs written.");
        if (PassThru) WriteObject(status);
    }
}
