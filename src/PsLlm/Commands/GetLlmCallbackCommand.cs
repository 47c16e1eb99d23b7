using System.Management.Automation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Lists the callbacks registered in this session.</summary>
/// <remarks>
/// <para>
/// The Get-LlmCallback cmdlet gets the PsLlm.CallbackRegistration objects of the callbacks registered with
/// Register-LlmCallback in the current session (runspace), in the order they were registered. Without parameters it
/// gets them all; -Name selects by name (wildcards allowed) and -Id by id.
/// </para>
/// <para>
/// A name without wildcards, or an id, that matches no registration writes a non-terminating error with the id
/// LlmCallbackNotFound (category ObjectNotFound).
/// </para>
/// <para>
/// Callbacks given with New-LlmClient -Callback are not registrations; they are in the client's Callbacks property.
/// Callbacks given with Invoke-LlmChat -Callback exist only for that chat.
/// </para>
/// </remarks>
/// <input type="None">You cannot pipe objects to Get-LlmCallback.</input>
/// <output type="PsLlm.CallbackRegistration">One object per registration, shown as a table of Id, Name, EventName, Scope and RaiseError.</output>
/// <notes>
/// Registrations belong to the runspace that made them; another runspace or a thread job has its own list.
/// </notes>
/// <example title="list all registrations">
/// <code><![CDATA[
/// Get-LlmCallback
/// ]]></code>
/// <para>
/// Shows every callback registered in this session with its id, name, events, scope (Session or Client) and whether it
/// stops the chat when it fails.
/// </para>
/// </example>
/// <example title="find registrations by name or id">
/// <setup><![CDATA[
/// $null = Register-LlmCallback LlmNewToken { } -Name trace-tokens
/// $null = Register-LlmCallback LlmEnd { } -Name usage
/// $null = Register-LlmCallback ChainEnd { } -Name trace-chains
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmCallback -Name trace*, usage
/// Get-LlmCallback -Id 3 | Format-List Name, EventName, Scope, Client, RaiseError, Action
/// ]]></code>
/// <para>
/// The first command gets the registrations whose names start with "trace" and the one named "usage"; the second shows
/// the details of registration 3, including its scriptblock.
/// </para>
/// </example>
/// <example title="client-scoped registrations">
/// <code><![CDATA[
/// Get-LlmCallback | Where-Object Scope -eq Client |
///     Select-Object Name, EventName, @{ n = 'Endpoint'; e = { $_.Client.Endpoint } }
/// ]]></code>
/// <para>Lists the registrations that fire only for one client, with that client's endpoint.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmCallback", DefaultParameterSetName = "Name")]
[OutputType(typeof(CallbackRegistration))]
public sealed class GetLlmCallbackCommand : PSCmdlet
{
    /// <summary>The names of the registrations to get. Wildcards are permitted.</summary>
    /// <value>None (all registrations)</value>
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>The ids of the registrations to get, as shown in the Id property.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Writes the matching registrations; a name or id that matches none is an error.</summary>
    protected override void ProcessRecord()
    {
        foreach (var registration in CallbackSelection.Select(ModuleState.Current.Registrations, Name, Id, this))
            WriteObject(registration);
    }
}
