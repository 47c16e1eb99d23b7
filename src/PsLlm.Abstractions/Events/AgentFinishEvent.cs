namespace PsLlm;

/// <summary>The model gave its final answer after using tools (LangChain's on_agent_finish).</summary>
public sealed class AgentFinishEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.AgentFinish;
    /// <summary>The final answer.</summary>
    public string Output { get; init; } = string.Empty;
    /// <summary>How many model calls it took.</summary>
    public int Rounds { get; init; }
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnAgentFinish(this);
    /// <inheritdoc/>
    public override string Summary => $"after {Rounds} rounds: {Clip(Output)}";
}
