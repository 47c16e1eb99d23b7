namespace PsLlm;

/// <summary>A tool run started.</summary>
public sealed class ToolStartEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.ToolStart;
    public string ToolName { get; init; } = string.Empty;
    public string Arguments { get; init; } = string.Empty;
    public string ToolCallId { get; init; } = string.Empty;
    public override void DispatchTo(CallbackHandler handler) => handler.OnToolStart(this);
    public override string Summary => $"{ToolName}({Clip(Arguments, 40)})";
}
