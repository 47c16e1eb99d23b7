using System.Text;

namespace PsLlm.Engine.Chat;

/// <summary>What a run has received so far; becomes the response, or the partial response on failure.</summary>
internal sealed class ChatRunState
{
    private readonly StringBuilder _text = new();
    private StringBuilder? _reasoning;
    private StringBuilder? _refusal;

    /// <summary>Answer tokens so far.</summary>
    public int TokenCount { get; private set; }
    /// <summary>Reasoning tokens so far.</summary>
    public int ReasoningCount { get; private set; }
    public TimeSpan? TimeToFirstToken { get; private set; }
    public string ResponseId { get; set; } = string.Empty;
    public string Model { get; set; } = string.Empty;
    public string FinishReason { get; set; } = string.Empty;

    /// <summary>The server's response id and model, as far as it said them (an empty one keeps what was known).</summary>
    public void Identify(string responseId, string model)
    {
        if (responseId.Length > 0) ResponseId = responseId;
        if (model.Length > 0) Model = model;
    }
    public TokenUsage? Usage { get; set; }
    public IReadOnlyList<ToolCall> ToolCalls { get; set; } = Array.Empty<ToolCall>();
    /// <summary>Fields the server attached to the assistant message, sent back with it.</summary>
    public IReadOnlyDictionary<string, string> MessageFields { get; set; } = ToolCall.NoFields;
    public string Text => _text.ToString();
    public string? Reasoning => _reasoning?.ToString();

    /// <summary>Adds a streamed piece; returns its index among the pieces of its kind.</summary>
    public int AddToken(string token, ChatTokenKind kind, TimeSpan elapsed)
    {
        TimeToFirstToken ??= elapsed;
        if (kind == ChatTokenKind.Reasoning)
        {
            (_reasoning ??= new StringBuilder()).Append(token);
            return ReasoningCount++;
        }
        _text.Append(token);
        return TokenCount++;
    }

    public void SetReasoning(string? reasoning) => _reasoning = reasoning is null ? null : new StringBuilder(reasoning);

    /// <summary>The assistant message this answer adds to the conversation.</summary>
    public ChatMessage ToAssistantMessage() => new("assistant", Text) { ToolCalls = ToolCalls, ProviderFields = MessageFields };

    public void AddRefusal(string text) => (_refusal ??= new StringBuilder()).Append(text);

    public void SetText(string text)
    {
        _text.Clear().Append(text);
    }

    public ChatResponse ToResponse(Guid runId, Guid chainRunId, TimeSpan duration, IReadOnlyList<ChatMessage> messages, bool partial, ChatTurn? turn = null) => new()
    {
        Text = Text,
        Reasoning = Reasoning,
        Model = Model,
        FinishReason = FinishReason,
        RunId = runId,
        ChainRunId = chainRunId,
        Duration = duration,
        TimeToFirstToken = TimeToFirstToken,
        ResponseId = ResponseId,
        Refusal = _refusal?.ToString(),
        Messages = messages,
        IsPartial = partial,
        // For a chat that used tools, the whole turn: all calls, all messages, usage of every round.
        Usage = turn?.Usage ?? Usage,
        ToolCalls = turn?.ToolResults ?? Array.Empty<ToolCallResult>(),
        Transcript = turn?.Transcript ?? Array.Empty<ChatMessage>(),
        Session = turn?.Session,
        Rounds = turn?.Rounds ?? 1,
    };
}
