using System.Management.Automation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// Stops logging chats to SQLite: writes the runs still queued, closes the database and unregisters the handler.
/// </summary>
/// <remarks>
/// <para>
/// Disable-LlmLog waits (up to 10 seconds) until the runs already finished are written, closes the database and removes
/// the LlmLog registration. The database and its rows stay; Get-LlmLog and Get-LlmUsage still read them.
/// </para>
/// <para>
/// It warns when runs were not logged: dropped because the write queue was full, or failed to write (with the last
/// error). Without an enabled log it does nothing.
/// </para>
/// </remarks>
/// <input type="None">
/// </input>
/// <output type="PsLlm.LlmLogStatus">With -PassThru: the final status of the log.</output>
/// <example title="stop logging">
/// <setup><![CDATA[
/// Enable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Disable-LlmLog
/// ]]></code>
/// <para>Stops logging; the rows written so far stay in the database.</para>
/// </example>
/// <example title="see what was written">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.'
/// ]]></setup>
/// <code><![CDATA[
/// $status = Disable-LlmLog -PassThru
/// "$($status.Written) runs written, $($status.Dropped) dropped"
/// ]]></code>
/// <para>Stops logging and reports how many runs were written and dropped.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Disable, "LlmLog")]
[OutputType(typeof(LlmLogStatus))]
public sealed class DisableLlmLogCommand : PSCmdlet
{
    /// <summary>
    /// Writes the log's final PsLlm.LlmLogStatus: path and the counts of runs written, dropped and failed.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Unregisters and closes the session's log, once, however many objects were piped in.</summary>
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
