using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Gets what async callbacks wrote: their output, errors, warnings and information.</summary>
/// <remarks>
/// <para>
/// The Receive-LlmCallback cmdlet gets what the scriptblocks of async callbacks (Register-LlmCallback -Async) wrote
/// while they handled events, as Receive-Job does for a job: their output as output objects, and their errors,
/// warnings, information (Write-Host), verbose and debug messages in the streams of the same name, in the order they
/// were written. What is received is removed, unless -Keep is given. For a handler deriving from
/// PsLlm.AsyncCallbackHandler, the events it failed on are written as errors with the id LlmAsyncCallbackFailed.
/// </para>
/// <para>
/// An async callback runs behind the chat, so what it writes for the last events of a chat may not be there yet when
/// the chat ends; -Wait (or Wait-LlmCallback first) waits until it has handled every event queued so far.
/// </para>
/// <para>
/// Without parameters it receives from every async registration of the session. A callback named (without wildcards),
/// given by id or piped in that is not async writes an error with the id LlmCallbackNotAsync (category
/// InvalidOperation).
/// </para>
/// </remarks>
/// <input type="PsLlm.CallbackRegistration">Registrations from Register-LlmCallback or Get-LlmCallback.</input>
/// <output type="System.Management.Automation.PSObject">What the callbacks' scriptblocks wrote to their output.</output>
/// <notes>
/// Each async callback keeps its last 10,000 records; older ones are dropped. Callbacks given with Invoke-LlmChat
/// -Callback @{ …; Async = $true } are not registrations: the command writes their errors, warnings and information
/// itself when it ends.
/// </notes>
/// <example title="collect results from an async callback">
/// <code><![CDATA[
/// $reg = Register-LlmCallback LlmEnd -Async -Name lengths -Action {
///     [pscustomobject]@{ Model = $_.Response.Model; Characters = $_.Response.Text.Length }
/// }
/// 'Name a colour.', 'Name a fruit.' | Invoke-LlmChat | Out-Null
/// Receive-LlmCallback -Name lengths -Wait
/// $reg | Unregister-LlmCallback
/// ]]></code>
/// <para>
/// The async callback writes one object per answer. Receive-LlmCallback -Wait waits for it to handle both LlmEnd
/// events, then writes the two objects.
/// </para>
/// </example>
/// <example title="see why an async callback failed">
/// <code><![CDATA[
/// $reg = Register-LlmCallback LlmEnd -Async -Action { throw "cannot reach the audit store" }
/// Invoke-LlmChat 'Hello' | Out-Null
/// Wait-LlmCallback -Id $reg.Id -WarningAction SilentlyContinue
/// Receive-LlmCallback -Id $reg.Id -ErrorVariable failures -ErrorAction SilentlyContinue
/// $failures[0].Exception.Message
/// $reg | Unregister-LlmCallback -WarningAction SilentlyContinue
/// ]]></code>
/// <para>
/// The callback's error is kept with its registration and written by Receive-LlmCallback (here into $failures). The
/// chat went on, and warned that the callback lost an event.
/// </para>
/// </example>
[Cmdlet(VerbsCommunications.Receive, "LlmCallback", DefaultParameterSetName = "Name")]
[OutputType(typeof(PSObject))]
public sealed class ReceiveLlmCallbackCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The names of the async registrations to receive from. Wildcards are permitted.</summary>
    /// <value>All async registrations</value>
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>The ids of the async registrations to receive from.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Async registrations, as returned by Register-LlmCallback or Get-LlmCallback.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Registration")]
    public CallbackRegistration[] Registration { get; set; } = Array.Empty<CallbackRegistration>();

    /// <summary>Leaves what is received with the callback, so it can be received again.</summary>
    [Parameter]
    public SwitchParameter Keep { get; set; }

    /// <summary>Waits until each callback has handled every event queued so far before receiving. Ctrl+C stops the wait.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Writes what each selected async callback kept.</summary>
    protected override void ProcessRecord()
    {
        foreach (var registration in AsyncRegistrations.Select(this, Name, Id, Registration))
        {
            var handler = registration.AsyncHandler!;
            if (Wait) handler.Drain(TimeSpan.FromDays(1), _stop.Token);
            if (Stopping) return;
            AsyncHandlerOutput.Write(this, handler, Keep, writeOutput: true);
        }
    }

    /// <summary>Ctrl+C: ends a -Wait.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
