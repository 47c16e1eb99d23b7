namespace PsLlm;

/// <summary>A chat model run finished; carries the complete response (also for streamed chats).</summary>
public sealed class LlmEndEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.LlmEnd;
    /// <summary>The complete response of this model call.</summary>
    public ChatResponse Response { get; init; } = null!;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnLlmEnd(this);
    /// <inheritdoc/>
    public override string Summary => $"{Response.FinishReason} {Response.Usage}";
}
