namespace PsLlm;

/// <summary>A chain run finished.</summary>
public sealed class ChainEndEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ChainEnd;
    /// <summary>The chain's name, e.g. "Invoke-LlmChat".</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The chain's output; for Invoke-LlmChat the <see cref="ChatResponse"/>.</summary>
    public object? Outputs { get; init; }
    /// <summary>How long the chain ran.</summary>
    public TimeSpan Duration { get; init; }
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnChainEnd(this);
    /// <inheritdoc/>
    public override string Summary => $"{Name} {Duration.TotalMilliseconds:0} ms";
}
