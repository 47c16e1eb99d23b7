namespace PsLlm;

/// <summary>A chain run failed or was cancelled.</summary>
public sealed class ChainErrorEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.ChainError;
    public string Name { get; init; } = string.Empty;
    public Exception Error { get; init; } = null!;
    /// <summary>Text received before the failure (empty when none).</summary>
    public string PartialText { get; init; } = string.Empty;
    public override void DispatchTo(CallbackHandler handler) => handler.OnChainError(this);
    public override string Summary => $"{Name}: {Clip(Error.Message)}";
}
