namespace PsLlm;

/// <summary>A chain run failed or was cancelled.</summary>
public sealed class ChainErrorEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ChainError;
    /// <summary>The chain's name, e.g. "Invoke-LlmChat".</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>Why it failed: a <see cref="LlmException"/> for chats (Kind Cancelled or Stopped when it did not fail).</summary>
    public Exception Error { get; init; } = null!;
    /// <summary>Text received before the failure (empty when none).</summary>
    public string PartialText { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnChainError(this);
    /// <inheritdoc/>
    public override string Summary => $"{Name}: {Clip(Error.Message)}";
}
