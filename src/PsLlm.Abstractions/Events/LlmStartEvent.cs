namespace PsLlm;

/// <summary>
/// LangChain's on_llm_start: the prompts as plain strings. Delivered to handlers that handle
/// LlmStart but not ChatModelStart, as LangChain falls back for handlers without on_chat_model_start.
/// </summary>
public sealed class LlmStartEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.LlmStart;
    /// <summary>The conversation rendered as "role: content" lines, one prompt per model call.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = Array.Empty<string>();
    /// <summary>Model, temperature, max tokens, stream, … as sent (never credentials).</summary>
    public IReadOnlyDictionary<string, object?> InvocationParameters { get; init; } = new Dictionary<string, object?>();
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnLlmStart(this);
    /// <inheritdoc/>
    public override string Summary => Clip(Prompts.Count > 0 ? Prompts[0] : string.Empty);

    /// <summary>Builds the fallback event from a chat model start, keeping run identity and timestamp.</summary>
    public static LlmStartEvent From(ChatModelStartEvent start)
    {
        var e = new LlmStartEvent
        {
            Timestamp = start.Timestamp,
            InvocationParameters = start.InvocationParameters,
            Prompts = new[] { string.Join("\n", start.Messages.Select(m => $"{m.Role}: {m.Content}")) },
        };
        e.Stamp(start.RunId, start.ParentRunId, start.Tags, start.Metadata);
        return e;
    }
}
