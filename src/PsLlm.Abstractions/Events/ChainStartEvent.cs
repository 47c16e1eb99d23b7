namespace PsLlm;

/// <summary>A chain run started; every Invoke-LlmChat call is a chain run.</summary>
public sealed class ChainStartEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ChainStart;
    /// <summary>The chain's name, e.g. "Invoke-LlmChat".</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The chain's inputs (prompt, system message, …).</summary>
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnChainStart(this);
    /// <inheritdoc/>
    public override string Summary => Name;
}
