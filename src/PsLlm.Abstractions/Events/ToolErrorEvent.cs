namespace PsLlm;

/// <summary>A tool call failed: unknown tool, invalid arguments, or the tool threw. The message goes back to the model so it can recover.</summary>
public sealed class ToolErrorEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.ToolError;
    public string ToolName { get; init; } = string.Empty;
    public string ToolCallId { get; init; } = string.Empty;
    public Exception Error { get; init; } = null!;
    /// <summary>The text sent back to the model in place of a result.</summary>
    public string Output { get; init; } = string.Empty;
    public override void DispatchTo(CallbackHandler handler) => handler.OnToolError(this);
    public override string Summary => $"{ToolName}: {Clip(Error.Message)}";
}
