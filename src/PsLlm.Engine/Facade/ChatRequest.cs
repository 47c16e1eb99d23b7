namespace PsLlm.Engine;

/// <summary>One chat as the cmdlets describe it, before it is written as a request body.</summary>
public sealed class ChatRequest
{
    /// <summary>The new user message.</summary>
    public string Prompt { get; init; } = string.Empty;
    /// <summary>Files and images sent after the prompt's text (<see cref="ChatAttachments"/> makes them).</summary>
    public IReadOnlyList<ChatAttachment> Attachments { get; init; } = Array.Empty<ChatAttachment>();
    /// <summary>The prompt as several text parts; when set it is sent instead of <see cref="Prompt"/>.</summary>
    public IReadOnlyList<string>? PromptParts { get; init; }
    /// <summary>A system message sent before the history and the prompt.</summary>
    public string? System { get; init; }
    /// <summary>The system message as several text parts; when set it is sent instead of <see cref="System"/>.</summary>
    public IReadOnlyList<string>? SystemParts { get; init; }
    /// <summary>Earlier turns sent before the prompt (sessions).</summary>
    public IReadOnlyList<ChatMessage> History { get; init; } = Array.Empty<ChatMessage>();
    /// <summary>Overrides the client's model.</summary>
    public string? Model { get; init; }
    /// <summary>Sampling temperature, 0 to 2; null for the server's default.</summary>
    public double? Temperature { get; init; }
    /// <summary>Nucleus sampling, 0 to 1; null for the server's default.</summary>
    public double? TopP { get; init; }
    /// <summary>The most tokens the answer may have (max_completion_tokens); null for no limit.</summary>
    public int? MaxTokens { get; init; }
    /// <summary>Up to four sequences at which the model stops.</summary>
    public IReadOnlyList<string> Stop { get; init; } = Array.Empty<string>();
    /// <summary>Asks for repeatable sampling; null for none.</summary>
    public long? Seed { get; init; }
    /// <summary>Reasoning models only: minimal, low, medium or high.</summary>
    public string? ReasoningEffort { get; init; }
    /// <summary>JSON mode or structured output; null for free text.</summary>
    public ResponseFormatSpec? ResponseFormat { get; init; }
    /// <summary>Stream the answer (LlmNewToken events) rather than wait for it whole.</summary>
    public bool Stream { get; init; }
    /// <summary>Tags of the run, inherited by every run under it.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Metadata of the run, inherited by every run under it.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = new Dictionary<string, object?>();
    /// <summary>Request-level handlers: this run and every run under it.</summary>
    public IReadOnlyList<CallbackHandler> Callbacks { get; init; } = Array.Empty<CallbackHandler>();
    /// <summary>The conversation this chat continues and, when it succeeds, extends.</summary>
    public ChatSession? Session { get; init; }
    /// <summary>Functions the model may call; only these can run.</summary>
    public IReadOnlyList<LlmTool> Tools { get; init; } = Array.Empty<LlmTool>();
    /// <summary>auto (default), none, required, or a tool's name.</summary>
    public string? ToolChoice { get; init; }
    /// <summary>How many times the model may ask for tools before the chat fails.</summary>
    public int MaxToolRounds { get; init; } = 8;
    /// <summary>The chain run's name in events.</summary>
    public string ChainName { get; init; } = "Invoke-LlmChat";

    /// <summary>The new user message as sent (one string, or text parts).</summary>
    internal ChatMessage BuildPrompt() =>
        PromptParts is { Count: > 0 } ? new ChatMessage("user", PromptParts) { Attachments = Attachments } : new ChatMessage("user", Prompt) { Attachments = Attachments };

    /// <summary>The request's own system message, or null (a session's may apply instead).</summary>
    internal ChatMessage? BuildSystem() =>
        SystemParts is { Count: > 0 } ? new ChatMessage("system", SystemParts)
        : string.IsNullOrEmpty(System) ? null : new ChatMessage("system", System);

    /// <summary>The parameters as LangChain reports them in on_chat_model_start (no credentials).</summary>
    internal IReadOnlyDictionary<string, object?> InvocationParameters(string model)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal) { ["model"] = model, ["stream"] = Stream };
        if (Temperature is { } t) parameters["temperature"] = t;
        if (TopP is { } p) parameters["top_p"] = p;
        if (MaxTokens is { } m) parameters["max_tokens"] = m;
        if (Stop.Count > 0) parameters["stop"] = Stop.ToArray();
        if (Seed is { } s) parameters["seed"] = s;
        if (ReasoningEffort is { } e) parameters["reasoning_effort"] = e;
        if (ResponseFormat is { } f) parameters["response_format"] = f.Kind;
        return parameters;
    }

    /// <summary>The messages sent without a session, in order: system, history, prompt.</summary>
    internal IReadOnlyList<ChatMessage> BuildMessages()
    {
        var messages = new List<ChatMessage>(History.Count + 2);
        if (BuildSystem() is { } system) messages.Add(system);
        messages.AddRange(History);
        messages.Add(BuildPrompt());
        return messages;
    }
}
