using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Waits until async callbacks have handled every event queued so far.</summary>
/// <remarks>
/// <para>
/// The Wait-LlmCallback cmdlet waits until the async callbacks of this session (Register-LlmCallback -Async, or a
/// registered PsLlm.AsyncCallbackHandler) have handled every event raised so far, so a script can read what they wrote
/// or end knowing nothing is pending. Without parameters it waits for all of them; -Name, -Id or piped registrations
/// choose.
/// </para>
/// <para>
/// With -Timeout it waits at most that many seconds in all; a callback still busy then gets a non-terminating error
/// with the id LlmCallbackWaitTimeout (category OperationTimeout) saying how many events it has left. Ctrl+C stops the
/// wait (the callbacks go on). After the wait it warns, once, for each callback that dropped or failed on events, as a
/// chat does when it ends.
/// </para>
/// </remarks>
/// <input type="PsLlm.CallbackRegistration">Registrations from Register-LlmCallback or Get-LlmCallback.</input>
/// <output type="PsLlm.CallbackRegistration">With -PassThru, the registrations waited for; otherwise nothing.</output>
/// <notes>
/// When PsLlm is removed (Remove-Module) or PowerShell exits, async callbacks get up to 5 seconds in all to finish;
/// Unregister-LlmCallback gives one up to its -Timeout.
/// </notes>
/// <example title="wait before reading what an async callback wrote">
/// <code><![CDATA[
/// $lines = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
/// $reg = Register-LlmCallback LlmEnd -Async -ArgumentList $lines -Name audit -Action {
///     param($e, $queue)
///     Start-Sleep -Milliseconds 200    # a slow store
///     $queue.Enqueue("$($e.RunId) $($e.Response.Usage)")
/// }
/// Invoke-LlmChat 'Hello' | Out-Null
/// Wait-LlmCallback -Name audit -Timeout 30
/// $lines.Count    # 1
/// $reg | Unregister-LlmCallback
/// ]]></code>
/// <para>
/// The chat does not wait for the slow audit callback; Wait-LlmCallback does, so $lines holds the line when it is read.
/// The queue was handed to the callback with -ArgumentList, since its runspace cannot see $lines.
/// </para>
/// </example>
/// <example title="give up after a time">
/// <code><![CDATA[
/// $reg = Register-LlmCallback LlmEnd -Async -Name slow -Action { Start-Sleep -Seconds 5 }
/// Invoke-LlmChat 'Hello' | Out-Null
/// Wait-LlmCallback -Name slow -Timeout 0.5 -ErrorAction SilentlyContinue -ErrorVariable late
/// $late[0].FullyQualifiedErrorId    # LlmCallbackWaitTimeout,PsLlm.Commands.WaitLlmCallbackCommand
/// $reg | Unregister-LlmCallback -Timeout 0 -WarningAction SilentlyContinue
/// ]]></code>
/// <para>
/// Waits half a second, then reports that the callback still has an event to handle. Unregister-LlmCallback -Timeout 0
/// stops it at once; the event it did not finish is reported as lost.
/// </para>
/// </example>
[Cmdlet(VerbsLifecycle.Wait, "LlmCallback", DefaultParameterSetName = "Name")]
[OutputType(typeof(CallbackRegistration))]
public sealed class WaitLlmCallbackCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<CallbackRegistration> _selected = new();

    /// <summary>The names of the async registrations to wait for. Wildcards are permitted.</summary>
    /// <value>All async registrations</value>
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>The ids of the async registrations to wait for.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Async registrations, as returned by Register-LlmCallback or Get-LlmCallback.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Registration")]
    public CallbackRegistration[] Registration { get; set; } = Array.Empty<CallbackRegistration>();

    /// <summary>The longest wait, in seconds, for all of them together.</summary>
    /// <value>No limit</value>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double Timeout { get; set; } = -1;

    /// <summary>Writes the registrations waited for.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Collects the registrations to wait for.</summary>
    protected override void ProcessRecord()
    {
        foreach (var registration in AsyncRegistrations.Select(this, Name, Id, Registration))
            if (!_selected.Contains(registration)) _selected.Add(registration);
    }

    /// <summary>Waits for them all within one deadline, then reports the late ones and the losses.</summary>
    protected override void EndProcessing()
    {
        var deadline = Timeout < 0 ? DateTime.MaxValue : DateTime.UtcNow + TimeSpan.FromSeconds(Timeout);
        foreach (var registration in _selected)
        {
            var handler = registration.AsyncHandler!;
            var left = deadline == DateTime.MaxValue ? TimeSpan.FromDays(1) : deadline - DateTime.UtcNow;
            var drained = handler.Drain(left > TimeSpan.Zero ? left : TimeSpan.Zero, _stop.Token);
            if (Stopping) return;
            if (!drained)
                WriteError(new ErrorRecord(
                    new TimeoutException($"Callback '{registration.Name}' still has {handler.Pending} event{(handler.Pending == 1 ? "" : "s")} to handle after {Timeout} s."),
                    "LlmCallbackWaitTimeout", ErrorCategory.OperationTimeout, registration));
            LossWarnings.Write(this, new[] { registration.Handler });
            if (PassThru) WriteObject(registration);
        }
    }

    /// <summary>Ctrl+C: ends the wait; the callbacks go on.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
