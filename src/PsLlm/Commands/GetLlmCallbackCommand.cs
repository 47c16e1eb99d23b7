using System.Management.Automation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Lists the callbacks registered in this session.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LlmCallback", DefaultParameterSetName = "Name")]
[OutputType(typeof(CallbackRegistration))]
public sealed class GetLlmCallbackCommand : PSCmdlet
{
    /// <summary>Names to match; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

    protected override void ProcessRecord()
    {
        foreach (var registration in CallbackSelection.Select(ModuleState.Current.Registrations, Name, Id, this))
            WriteObject(registration);
    }
}
