namespace PsLlm;

/// <summary>A chat model run is about to send its request.</summary>
public sealed class ChatModelStartEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.ChatModelStart;
    /// <summary>The messages sent to the model, in order.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = Array.Empty<ChatMessage>();
    /// <summary>Model, temperature, max tokens, stream, … as sent (never credentials).</summary>
    public IReadOnlyDictionary<string, object?> InvocationParameters { get; init; } = new Dictionary<string, object?>();
    /// <summary>The model asked for.</summary>
    public string Model { get; init; } = string.Empty;
    /// <summary>The server's base URL (scheme, host, port, path; never credentials).</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnChatModelStart(this);
    /// <inheritdoc/>
    public override string Summary => $"{Model} ({Messages.Count} messages)";
}
