namespace PsLlm;

/// <summary>A tool run started.</summary>
public sealed class ToolStartEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ToolStart;
    /// <summary>The tool's name, as the model called it.</summary>
    public string ToolName { get; init; } = string.Empty;
    /// <summary>The MCP server the tool belongs to (Connect-LlmMcpServer's name); null for a PowerShell tool.</summary>
    public string? McpServer { get; init; }
    /// <summary>The arguments as the model wrote them (JSON text).</summary>
    public string Arguments { get; init; } = string.Empty;
    /// <summary>The model's id for this call.</summary>
    public string ToolCallId { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnToolStart(this);
    /// <inheritdoc/>
    public override string Summary => $"{ToolName}({Clip(Arguments, 40)})";
}
