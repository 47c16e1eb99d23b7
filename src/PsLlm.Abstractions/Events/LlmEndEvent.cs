namespace PsLlm;

/// <summary>A chat model run finished; carries the complete response (also for streamed chats).</summary>
public sealed class LlmEndEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.LlmEnd;
    public ChatResponse Response { get; init; } = null!;
    public override void DispatchTo(CallbackHandler handler) => handler.OnLlmEnd(this);
    public override string Summary => $"{Response.FinishReason} {Response.Usage}";
}
