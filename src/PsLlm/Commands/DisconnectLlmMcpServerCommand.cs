using System.Management.Automation;
using PsLlm.Engine;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Closes connections to MCP servers.</summary>
/// <remarks>
/// <para>
/// The Disconnect-LlmMcpServer cmdlet closes connections made by Connect-LlmMcpServer: a stdio server's process is ended,
/// an HTTP session is closed. Pipe connections to it (from Connect-LlmMcpServer or Get-LlmMcpServer) or select them with
/// -Name (wildcards permitted). The connection's State becomes Disconnected and it leaves Get-LlmMcpServer's list; its
/// tools fail with an error the model reads if a chat still calls them.
/// </para>
/// </remarks>
/// <input type="PsLlm.McpServerConnection">Connections can be piped to Disconnect-LlmMcpServer.</input>
/// <output type="None">This cmdlet writes no output.</output>
/// <example title="disconnect one server">
/// <setup><![CDATA[
/// $module = Join-Path (Get-Module PsLlm).ModuleBase PsLlm.psd1
/// $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
/// $null = Connect-LlmMcpServer -Command $pwsh -ArgumentList '-NoProfile', '-Command', "Import-Module '$module'; Start-LlmMcpServer -Tool (New-LlmTool -Command Get-Date)" -Name clock
/// ]]></setup>
/// <code><![CDATA[
/// Disconnect-LlmMcpServer -Name clock
/// ]]></code>
/// <para>Ends the clock server's process and removes the connection.</para>
/// </example>
/// <example title="disconnect every server">
/// <code><![CDATA[
/// Get-LlmMcpServer | Disconnect-LlmMcpServer
/// ]]></code>
/// <para>Closes all the session's connections.</para>
/// </example>
[Cmdlet(VerbsCommunications.Disconnect, "LlmMcpServer", DefaultParameterSetName = "Server")]
public sealed class DisconnectLlmMcpServerCommand : PSCmdlet
{
    /// <summary>The connections to close.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Server")]
    public McpServerConnection[] Server { get; set; } = Array.Empty<McpServerConnection>();

    /// <summary>The names of the connections to close. Wildcards are permitted.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Closes each connection selected or piped in.</summary>
    protected override void ProcessRecord()
    {
        var servers = ModuleState.Current.McpServers;
        foreach (var server in ParameterSetName == "Server" ? Server : servers.Select(Name, this).ToArray())
        {
            WriteVerbose($"Disconnecting from MCP server '{server.Name}' ({server.Target}).");
            McpClients.Disconnect(server);
            servers.Remove(server);
        }
    }
}
