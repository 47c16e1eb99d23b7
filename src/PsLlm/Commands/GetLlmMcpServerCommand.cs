using System.Management.Automation;
using PsLlm.Engine;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Lists the MCP servers connected in this session.</summary>
/// <remarks>
/// <para>
/// The Get-LlmMcpServer cmdlet gets the PsLlm.McpServerConnection objects made by Connect-LlmMcpServer in this session,
/// in the order they were connected, with their State: Connected, Disconnected, or Failed when the server went away
/// (Reason says why). -Name selects by name; wildcards are permitted. A name without wildcards that matches nothing
/// writes LlmMcpServerNotFound (ObjectNotFound).
/// </para>
/// <para>The servers' log messages received since they were last shown are written as verbose messages.</para>
/// </remarks>
/// <input type="None">You cannot pipe objects to Get-LlmMcpServer.</input>
/// <output type="PsLlm.McpServerConnection">The connections.</output>
/// <example title="list the connections">
/// <code><![CDATA[
/// Get-LlmMcpServer
/// ]]></code>
/// <para>Shows each connection's name, transport, server, state and capabilities.</para>
/// </example>
/// <example title="find the servers that went away">
/// <code><![CDATA[
/// Get-LlmMcpServer | Where-Object State -eq Failed | Select-Object Name, Target, Reason
/// ]]></code>
/// <para>Lists the connections whose server ended or broke, with the reason.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmMcpServer")]
[OutputType(typeof(McpServerConnection))]
public sealed class GetLlmMcpServerCommand : PSCmdlet
{
    /// <summary>The names of the connections to get. Wildcards are permitted.</summary>
    /// <value>All connections</value>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Writes the matching connections.</summary>
    protected override void ProcessRecord()
    {
        foreach (var server in ModuleState.Current.McpServers.Select(Name, this))
        {
            foreach (var line in McpClients.TakeNotices(server)) WriteVerbose(line);
            WriteObject(server);
        }
    }
}
