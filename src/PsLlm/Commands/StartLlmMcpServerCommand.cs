using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Commands;

/// <summary>Serves PowerShell tools to MCP clients over standard input and output.</summary>
/// <remarks>
/// <para>
/// The Start-LlmMcpServer cmdlet makes this pwsh a Model Context Protocol server: it serves the tools given with -Tool
/// (made with New-LlmTool from commands or scriptblocks) over standard input and output, until the client disconnects
/// (its input ends) or Ctrl+C. Any MCP client can start it with a command line such as:
/// pwsh -NoProfile -Command "Import-Module PsLlm; Start-LlmMcpServer -Tool (New-LlmTool -Command Get-Process)"
/// </para>
/// <para>
/// Each call runs in this session, one at a time, with the arguments checked against the tool's schema first; its output
/// is converted to text as in chats, and a failure is returned as an isError result the client's model reads. While it
/// serves, everything PowerShell would print (warnings, verbose messages, Write-Host) goes to standard error, so nothing
/// but protocol messages reaches standard output.
/// </para>
/// <para>
/// Approval: there is no one at this console to ask, so a tool that requires approval (New-LlmTool -RequireApproval, or a
/// command with ConfirmImpact High) is refused with LlmMcpApprovalRequired (InvalidOperation) unless -AllowApproval is
/// given. With -AllowApproval the approval policy is the client's: such tools are announced with destructiveHint true
/// and readOnlyHint false, which MCP clients take as "ask the user before calling", and they run without asking here.
/// </para>
/// </remarks>
/// <input type="None">You cannot pipe objects to Start-LlmMcpServer.</input>
/// <output type="None">This cmdlet writes no output; it returns when the client disconnects.</output>
/// <example title="register PowerShell in an MCP client" needs="an MCP client to start it (it serves on standard input and output)">
/// <code><![CDATA[
/// # In the client's configuration (Claude Desktop, VS Code, …):
/// #   "command": "pwsh",
/// #   "args": ["-NoProfile", "-Command", "Import-Module PsLlm; Start-LlmMcpServer -Tool (New-LlmTool -Command Get-Process), (New-LlmTool -Command Get-Service)"]
/// Start-LlmMcpServer -Tool (New-LlmTool -Command Get-Process), (New-LlmTool -Command Get-Service) -Name system-info
/// ]]></code>
/// <para>Serves two read-only commands to whichever MCP client started this pwsh.</para>
/// </example>
/// <example title="tools that change things, approved by the client's user" needs="an MCP client to start it (it serves on standard input and output)">
/// <code><![CDATA[
/// $stop = New-LlmTool -Command Stop-Process -RequireApproval
/// Start-LlmMcpServer -Tool $stop -AllowApproval
/// ]]></code>
/// <para>
/// Without -AllowApproval this fails before serving, since Stop-Process needs approval. With it, the tool is announced
/// as destructive, so the client asks its user before each call.
/// </para>
/// </example>
[Cmdlet(VerbsLifecycle.Start, "LlmMcpServer")]
public sealed class StartLlmMcpServerCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The tools to serve, made with New-LlmTool.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public LlmTool[] Tool { get; set; } = Array.Empty<LlmTool>();

    /// <summary>The server's name, as clients see it.</summary>
    /// <value>PsLlm</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "PsLlm";

    /// <summary>Serve tools that require approval, leaving the approval to the MCP client (they are announced as destructive).</summary>
    [Parameter]
    public SwitchParameter AllowApproval { get; set; }

    /// <summary>Checks the tools, then serves until the client disconnects.</summary>
    protected override void EndProcessing()
    {
        var duplicate = Tool.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Two tools are named '{duplicate.Key}'; a client calls tools by name."),
                "LlmDuplicateToolName", ErrorCategory.InvalidArgument, duplicate.Key));
        var gated = Tool.Where(t => t.RequireApproval).Select(t => t.Name).ToArray();
        if (gated.Length > 0 && !AllowApproval)
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"{string.Join(", ", gated)} require{(gated.Length == 1 ? "s" : "")} approval, and no one at this console can give it. Add -AllowApproval to leave approval to the MCP client (the tools are announced as destructive), or serve other tools."),
                "LlmMcpApprovalRequired", ErrorCategory.InvalidOperation, gated));

        // Standard output carries the protocol alone: what PowerShell prints goes to standard error meanwhile.
        var console = Console.Out;
        using var output = Console.OpenStandardOutput();
        using var input = Console.OpenStandardInput();
        Console.SetOut(Console.Error);
        try
        {
            WriteVerbose($"Serving {Tool.Length} tool(s) as MCP server '{Name}' on standard input and output.");
            McpToolServer.Serve(Tool, Name, input, output, (tool, arguments) => WriteVerbose($"MCP call {tool} {arguments}"), _stop.Token);
        }
        finally
        {
            Console.SetOut(console);
        }
        if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
    }

    /// <summary>Ctrl+C: stops serving.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
