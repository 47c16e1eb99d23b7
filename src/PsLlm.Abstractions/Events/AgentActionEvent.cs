namespace PsLlm;

/// <summary>The model asked for a tool (LangChain's on_agent_action).</summary>
public sealed class AgentActionEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.AgentAction;
    /// <summary>The tool the model asked for.</summary>
    public string ToolName { get; init; } = string.Empty;
    /// <summary>The arguments as the model wrote them (JSON text).</summary>
    public string Arguments { get; init; } = string.Empty;
    /// <summary>The model's id for this call; the tool result answers it.</summary>
    public string ToolCallId { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnAgentAction(this);
    /// <inheritdoc/>
    public override string Summary => $"{ToolName}({Clip(Arguments, 40)})";
}
