using System.Management.Automation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Removes registered callbacks, by object, name or id.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "LlmCallback", DefaultParameterSetName = "Registration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class UnregisterLlmCallbackCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Registration")]
    public CallbackRegistration[] Registration { get; set; } = Array.Empty<CallbackRegistration>();

    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

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
                WriteError(CallbackSelection.NotFound($"Callback '{registration.Name}' (Id {registration.Id}) is not registered.", registration));
        }
    }
}
