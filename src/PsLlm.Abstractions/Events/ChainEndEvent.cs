namespace PsLlm;

/// <summary>A chain run finished.</summary>
public sealed class ChainEndEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.ChainEnd;
    public string Name { get; init; } = string.Empty;
    /// <summary>The chain's output; for Invoke-LlmChat the <see cref="ChatResponse"/>.</summary>
    public object? Outputs { get; init; }
    public TimeSpan Duration { get; init; }
    public override void DispatchTo(CallbackHandler handler) => handler.OnChainEnd(this);
    public override string Summary => $"{Name} {Duration.TotalMilliseconds:0} ms";
}
