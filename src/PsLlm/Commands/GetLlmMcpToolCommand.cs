using System.Management.Automation;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Gets the tools of connected MCP servers, for chats.</summary>
/// <remarks>
/// <para>
/// The Get-LlmMcpTool cmdlet asks MCP servers connected with Connect-LlmMcpServer for their tools and returns them as
/// PsLlm.LlmTool objects, which Invoke-LlmChat -Tool and Start-LlmChat -Tool take next to tools made with New-LlmTool.
/// The model sees the server's name, description and input schema (a name with characters a model does not accept has
/// them replaced with _); a call goes to the server, and its result (text, structured content; images, audio and
/// links named by what they are) goes back to the model; with -AttachImages the images themselves follow the round's
/// tool results, for models that take images. A result the server marks isError, a server that fails, goes
/// away, or takes longer than the connection's -TimeoutSec, becomes the tool's error, which the model reads; the chat
/// goes on. Ctrl+C cancels the call at the server.
/// </para>
/// <para>
/// Only tools given with -Tool can run, with arguments checked against their schema before the call. A tool the server
/// does not mark read-only (readOnlyHint), or marks destructive (destructiveHint), has RequireApproval: the chat asks
/// before it runs (ShouldProcess) unless -Confirm:$false, and -WhatIf sends nothing.
/// </para>
/// <para>
/// ToolStart, ToolEnd and ToolError events of these tools carry the server's name in McpServer, and so do the JSONL
/// records and the OpenTelemetry execute_tool spans (psllm.mcp.server).
/// </para>
/// </remarks>
/// <input type="PsLlm.McpServerConnection">Connections can be piped to Get-LlmMcpTool.</input>
/// <output type="PsLlm.LlmTool">The tools, with McpServer set to the connection's name.</output>
/// <example title="every tool of every connected server">
/// <code><![CDATA[
/// Get-LlmMcpTool | Format-Table Name, McpServer, RequireApproval, Description
/// ]]></code>
/// <para>Lists the tools of all connected servers, with those that need approval.</para>
/// </example>
/// <example title="a chat with an MCP server's tools" needs="Node.js and the network to fetch @modelcontextprotocol/server-everything">
/// <code><![CDATA[
/// $everything = Connect-LlmMcpServer -Command npx -ArgumentList '-y', '@modelcontextprotocol/server-everything' -Name everything
/// $tools = Get-LlmMcpTool -Server $everything -Name get-sum, echo
/// Invoke-LlmChat 'What is 1234 + 4321? Use the tool.' -Tool $tools
/// ]]></code>
/// <para>Gives the model two of the reference server's tools; its calls go to the server and the answers back to the model.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmMcpTool")]
[OutputType(typeof(LlmTool))]
public sealed class GetLlmMcpToolCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The connections whose tools to get.</summary>
    /// <value>Every connected server</value>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public McpServerConnection[]? Server { get; set; }

    /// <summary>The names of the tools to get (the server's names). Wildcards are permitted.</summary>
    /// <value>All tools</value>
    [Parameter]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>
    /// Send the images a tool returns to the model, in a user message after the round's tool results (a tool result
    /// carries text only). For models that take images; others fail on such a message.
    /// </summary>
    [Parameter]
    public SwitchParameter AttachImages { get; set; }

    /// <summary>Writes the tools of each server.</summary>
    protected override void ProcessRecord()
    {
        var servers = Server ?? ModuleState.Current.McpServers.All.Where(s => s.State == McpConnectionState.Connected).ToArray();
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
        var written = new List<string>();
        foreach (var server in servers)
        {
            IReadOnlyList<LlmTool> tools;
            try
            {
                tools = McpClients.Tools(server, _stop.Token, AttachImages);
            }
            catch (LlmException error)
            {
                WriteError(LlmErrorRecords.From(error, server));
                continue;
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            foreach (var line in McpClients.TakeNotices(server)) WriteVerbose(line);
            foreach (var tool in tools.Where(t => patterns is null || patterns.Any(p => p.IsMatch(t.Name))))
            {
                written.Add(tool.Name);
                WriteObject(tool);
            }
        }
        // A name without wildcards that no server has is an error, as Get-Command's is.
        foreach (var name in Name ?? Array.Empty<string>())
            if (!WildcardPattern.ContainsWildcardCharacters(name) && !written.Contains(name, StringComparer.OrdinalIgnoreCase))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No connected MCP server has a tool named '{name}'."), "LlmMcpToolNotFound", ErrorCategory.ObjectNotFound, name));
    }

    /// <summary>Ctrl+C: stops waiting for the servers.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
