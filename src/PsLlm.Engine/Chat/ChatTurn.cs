namespace PsLlm.Engine.Chat;

/// <summary>
/// One Invoke-LlmChat turn across its model calls: the messages it adds to the conversation, the
/// tool calls made and the usage of every round. Becomes the session's new history on success.
/// </summary>
internal sealed class ChatTurn
{
    private readonly List<ChatMessage> _transcript = new();
    private readonly List<ToolCallResult> _toolResults = new();
    private TokenUsage? _usage;

    public ChatTurn(ChatMessage prompt, ChatSession? session)
    {
        _transcript.Add(prompt);
        Session = session;
    }

    public ChatSession? Session { get; }
    public int Rounds { get; private set; }
    public int ToolRounds { get; private set; }
    public IReadOnlyList<ChatMessage> Transcript => _transcript;
    public IReadOnlyList<ToolCallResult> ToolResults => _toolResults;
    public TokenUsage? Usage => _usage;

    public void CountRound(TokenUsage? usage)
    {
        Rounds++;
        _usage = TokenUsage.Combine(_usage, usage);
    }

    public void AddToolRound(ChatMessage assistant)
    {
        ToolRounds++;
        _transcript.Add(assistant);
    }

    public void AddToolResult(ToolCallResult result, ChatMessage message)
    {
        _toolResults.Add(result);
        _transcript.Add(message);
    }

    public void AddAnswer(ChatMessage answer) => _transcript.Add(answer);
}
