using System.Text;

namespace PsLlm.Engine.Chat;

/// <summary>What a run has received so far; becomes the response, or the partial response on failure.</summary>
internal sealed class ChatRunState
{
    private readonly StringBuilder _text = new();
    private StringBuilder? _refusal;

    public int TokenCount { get; private set; }
    public TimeSpan? TimeToFirstToken { get; private set; }
    public string ResponseId { get; set; } = string.Empty;
    public string Model { get; set; } = string.Empty;
    public string FinishReason { get; set; } = string.Empty;
    public TokenUsage? Usage { get; set; }
    public IReadOnlyList<ToolCall> ToolCalls { get; set; } = Array.Empty<ToolCall>();
    public string Text => _text.ToString();

    public void AddToken(string token, TimeSpan elapsed)
    {
        TimeToFirstToken ??= elapsed;
        _text.Append(token);
        TokenCount++;
    }

    public void AddRefusal(string text) => (_refusal ??= new StringBuilder()).Append(text);

    public void SetText(string text)
    {
        _text.Clear().Append(text);
    }

    public ChatResponse ToResponse(Guid runId, Guid chainRunId, TimeSpan duration, IReadOnlyList<ChatMessage> messages, bool partial, ChatTurn? turn = null) => new()
    {
        Text = Text,
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
