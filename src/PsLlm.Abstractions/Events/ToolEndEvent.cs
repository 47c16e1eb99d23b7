namespace PsLlm;

/// <summary>A tool run finished; its output goes back to the model.</summary>
public sealed class ToolEndEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.ToolEnd;
    public string ToolName { get; init; } = string.Empty;
    public string ToolCallId { get; init; } = string.Empty;
    /// <summary>The text sent back to the model.</summary>
    public string Output { get; init; } = string.Empty;
    public TimeSpan Duration { get; init; }
    public override void DispatchTo(CallbackHandler handler) => handler.OnToolEnd(this);
    public override string Summary => $"{ToolName} → {Clip(Output, 40)}";
}
