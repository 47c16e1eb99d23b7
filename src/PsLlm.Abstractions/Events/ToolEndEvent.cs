namespace PsLlm;

/// <summary>A tool run finished; its output goes back to the model.</summary>
public sealed class ToolEndEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ToolEnd;
    /// <summary>The tool's name, as the model called it.</summary>
    public string ToolName { get; init; } = string.Empty;
    /// <summary>The MCP server the tool belongs to (Connect-LlmMcpServer's name); null for a PowerShell tool.</summary>
    public string? McpServer { get; init; }
    /// <summary>The model's id for this call.</summary>
    public string ToolCallId { get; init; } = string.Empty;
    /// <summary>The text sent back to the model.</summary>
    public string Output { get; init; } = string.Empty;
    /// <summary>How long the tool ran.</summary>
    public TimeSpan Duration { get; init; }
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnToolEnd(this);
    /// <inheritdoc/>
    public override string Summary => $"{ToolName} → {Clip(Output, 40)}";
}
