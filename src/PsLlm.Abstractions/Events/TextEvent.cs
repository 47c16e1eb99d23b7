namespace PsLlm;

/// <summary>Arbitrary text from a chain, e.g. the prompt after formatting (LangChain's on_text).</summary>
public sealed class TextEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.Text;
    public string Text { get; init; } = string.Empty;
    public override void DispatchTo(CallbackHandler handler) => handler.OnText(this);
    public override string Summary => Clip(Text);
}
