using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Removes registered callbacks, by object, name or id.</summary>
/// <remarks>
/// <para>
/// The Unregister-LlmCallback cmdlet removes callbacks registered with Register-LlmCallback in the current session.
/// Pipe registration objects to it (from Register-LlmCallback or Get-LlmCallback), or select them with -Name (wildcards
/// allowed) or -Id.
/// </para>
/// <para>
/// A name without wildcards or an id that matches nothing, and a registration that is no longer registered, write a
/// non-terminating error with the id LlmCallbackNotFound (category ObjectNotFound). A chat that is running keeps the
/// callbacks it started with; the removal applies to the chats that start afterwards.
/// </para>
/// <para>
/// An async callback (Register-LlmCallback -Async) is stopped cleanly: it gets up to -Timeout seconds to handle the
/// events already queued, then its scriptblock is stopped and its runspace closed. Events it lost (dropped, failed or
/// left unhandled) and records not yet received with Receive-LlmCallback are reported in warnings.
/// </para>
/// <para>The cmdlet supports -WhatIf and -Confirm. It writes no output.</para>
/// </remarks>
/// <input type="PsLlm.CallbackRegistration">Registrations can be piped to Unregister-LlmCallback.</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <notes>To remove every registration: Get-LlmCallback | Unregister-LlmCallback.</notes>
/// <example title="remove a registration you kept">
/// <code><![CDATA[
/// $reg = Register-LlmCallback -EventName LlmEnd -Action { Write-Host $_.Response.Usage }
/// Invoke-LlmChat 'Hello'
/// $reg | Unregister-LlmCallback
/// ]]></code>
/// <para>Registers a callback for one chat and removes it afterwards by piping the registration object.</para>
/// </example>
/// <example title="remove by name, by id, or all">
/// <setup><![CDATA[
/// 1..6 | ForEach-Object { $null = Register-LlmCallback LlmEnd { } -Name (($_ -in 1, 3 ? 'trace' : 'usage') + $_) }
/// ]]></setup>
/// <code><![CDATA[
/// Unregister-LlmCallback -Name trace* -WhatIf
/// Unregister-LlmCallback -Name trace*
/// Unregister-LlmCallback -Id 2, 5
/// Get-LlmCallback | Unregister-LlmCallback
/// ]]></code>
/// <para>
/// The first command shows which registrations would be removed; the next ones remove the registrations whose names
/// start with "trace", then those with ids 2 and 5, and finally all remaining ones.
/// </para>
/// </example>
[Cmdlet(VerbsLifecycle.Unregister, "LlmCallback", DefaultParameterSetName = "Registration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class UnregisterLlmCallbackCommand : PSCmdlet
{
    /// <summary>The registrations to remove, as returned by Register-LlmCallback or Get-LlmCallback.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Registration")]
    public CallbackRegistration[] Registration { get; set; } = Array.Empty<CallbackRegistration>();

    /// <summary>The names of the registrations to remove. Wildcards are permitted.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>The ids of the registrations to remove.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>
    /// For async callbacks: how long, in seconds, to let the handler finish the events already queued before it is
    /// stopped. Events still queued after that are dropped and reported in a warning.
    /// </summary>
    /// <value>5</value>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double Timeout { get; set; } = 5;

    /// <summary>Removes each registration selected or piped in, asking first under -Confirm.</summary>
    protected override void ProcessRecord()
    {
        var state = ModuleState.Current;
        var targets = ParameterSetName == "Registration"
            ? Registration
            : CallbackSelection.Select(state.Registrations, ParameterSetName == "Name" ? Name : null, ParameterSetName == "Id" ? Id : null, this).ToArray();
        foreach (var registration in targets)
        {
            if (!ShouldProcess($"{registration.Name} (Id {registration.Id})", "Unregister callback")) continue;
            if (!state.Remove(registration))
            {
                WriteError(CallbackSelection.NotFound($"Callback '{registration.Name}' (Id {registration.Id}) is not registered.", registration));
                continue;
            }
            if (registration.AsyncHandler is { } async) StopAsync(registration, async);
        }
    }

    // The worker finishes what is queued (for -Timeout), then stops; what it lost or left unreceived is said.
    private void StopAsync(CallbackRegistration registration, AsyncCallbackHandler handler)
    {
        if (handler.Pending > 0) WriteVerbose($"Letting {registration.Name} handle {handler.Pending} queued event(s), for at most {Timeout} s.");
        handler.Stop(TimeSpan.FromSeconds(Timeout));
        LossWarnings.Write(this, new[] { registration.Handler });
        if (handler is ScriptBlockAsyncHandler { RecordCount: > 0 and var left })
            WriteWarning($"{registration.Name} stopped with {left} record{(left == 1 ? "" : "s")} not received; Receive-LlmCallback before Unregister-LlmCallback gets them.");
    }
}
