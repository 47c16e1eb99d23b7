namespace PsLlm;

/// <summary>Arbitrary text from a chain, e.g. the prompt after formatting (LangChain's on_text).</summary>
public sealed class TextEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.Text;
    /// <summary>The text.</summary>
    public string Text { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnText(this);
    /// <inheritdoc/>
    public override string Summary => Clip(Text);
}
