namespace PsLlm;

/// <summary>A chat model run failed or was cancelled.</summary>
public sealed class LlmErrorEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.LlmError;
    /// <summary>Why it failed: a <see cref="LlmException"/> (Kind Cancelled or Stopped when it did not fail).</summary>
    public Exception Error { get; init; } = null!;
    /// <summary>Text streamed before the failure (empty when none).</summary>
    public string PartialText { get; init; } = string.Empty;
    /// <summary>HTTP status when the server answered with an error.</summary>
    public int? StatusCode { get; init; }
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnLlmError(this);
    /// <inheritdoc/>
    public override string Summary => Clip(Error.Message);
}
