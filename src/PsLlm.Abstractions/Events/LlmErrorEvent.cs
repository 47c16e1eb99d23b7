namespace PsLlm;

/// <summary>A chat model run failed or was cancelled.</summary>
public sealed class LlmErrorEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.LlmError;
    public Exception Error { get; init; } = null!;
    /// <summary>Text streamed before the failure (empty when none).</summary>
    public string PartialText { get; init; } = string.Empty;
    /// <summary>HTTP status when the server answered with an error.</summary>
    public int? StatusCode { get; init; }
    public override void DispatchTo(CallbackHandler handler) => handler.OnLlmError(this);
    public override string Summary => Clip(Error.Message);
}
