namespace PsLlm;

/// <summary>A streamed piece of the answer arrived.</summary>
public sealed class LlmNewTokenEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.LlmNewToken;
    /// <summary>The token text (for a coalesced engine event, several tokens joined).</summary>
    public string Token { get; init; } = string.Empty;
    /// <summary>Zero-based position of the (first) token in the answer.</summary>
    public int Index { get; init; }
    /// <summary>How many tokens this event carries: 1, or more when coalesced for engine events.</summary>
    public int Count { get; init; } = 1;
    /// <summary>
    /// Text or Reasoning. (<see cref="LlmEvent.Kind"/> is the event's own kind, LlmNewToken, as on
    /// every event.)
    /// </summary>
    public ChatTokenKind TokenKind { get; init; }
    /// <summary>The token as written to the pipeline by -Stream.</summary>
    public ChatToken Chunk { get; init; } = null!;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnLlmNewToken(this);
    /// <inheritdoc/>
    public override string Summary => TokenKind == ChatTokenKind.Reasoning ? $"#{Index} (reasoning) {Clip(Token)}" : $"#{Index} {Clip(Token)}";
}
