namespace PsLlm;

/// <summary>A tool call failed: unknown tool, invalid arguments, or the tool threw. The message goes back to the model so it can recover.</summary>
public sealed class ToolErrorEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ToolError;
    /// <summary>The tool's name, as the model called it.</summary>
    public string ToolName { get; init; } = string.Empty;
    /// <summary>The MCP server the tool belongs to (Connect-LlmMcpServer's name); null for a PowerShell tool.</summary>
    public string? McpServer { get; init; }
    /// <summary>The model's id for this call.</summary>
    public string ToolCallId { get; init; } = string.Empty;
    /// <summary>Why the call failed (a <see cref="ToolArgumentException"/> for arguments that do not fit).</summary>
    public Exception Error { get; init; } = null!;
    /// <summary>The text sent back to the model in place of a result.</summary>
    public string Output { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnToolError(this);
    /// <inheritdoc/>
    public override string Summary => $"{ToolName}: {Clip(Error.Message)}";
}
