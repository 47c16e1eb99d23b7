namespace PsLlm;

/// <summary>
/// A conversation: the system message, the turns so far and how much history to send. Each
/// successful Invoke-LlmChat -Session appends its whole turn (prompt, tool calls and results,
/// answer); a failed or stopped turn appends nothing. Raises the same .NET events as a client,
/// for every chat of the session.
/// </summary>
public sealed class ChatSession : LlmEventSource
{
    private readonly List<ChatMessage> _messages = new();
    private readonly object _gate = new();

    /// <summary>A new, empty conversation (New-LlmChatSession); every argument may be changed later.</summary>
    public ChatSession(LlmClient? client = null, string? system = null, string? model = null, int? maxHistory = null, int? maxTokens = null)
    {
        Client = client;
        System = system;
        Model = model;
        MaxHistory = maxHistory;
        MaxTokens = maxTokens;
        CreatedAt = UpdatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The session's id; kept in its session file.</summary>
    public Guid Id { get; internal set; } = Guid.NewGuid();
    /// <summary>The client its chats use; null for the default client.</summary>
    public LlmClient? Client { get; set; }
    /// <summary>The model its chats use; null for the client's.</summary>
    public string? Model { get; set; }
    /// <summary>The system message, sent first and never trimmed.</summary>
    public string? System { get; set; }
    /// <summary>At most this many history messages are sent (oldest turns dropped first).</summary>
    public int? MaxHistory { get; set; }
    /// <summary>Approximate token budget for the history sent (about 4 characters a token).</summary>
    public int? MaxTokens { get; set; }
    /// <summary>When the session was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; internal set; }
    /// <summary>When its last turn was added or its history changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; internal set; }
    /// <summary>Token counts of all its chats so far.</summary>
    public TokenUsage Usage { get; private set; } = new();

    /// <summary>The whole history (not trimmed), oldest first, without the system message.</summary>
    public IReadOnlyList<ChatMessage> Messages
    {
        get { lock (_gate) return _messages.ToArray(); }
    }

    /// <summary>Number of user turns so far.</summary>
    public int TurnCount
    {
        get { lock (_gate) return _messages.Count(m => m.Role == "user"); }
    }

    /// <summary>Appends a completed turn in one step, so readers never see half a turn.</summary>
    public void AppendTurn(IEnumerable<ChatMessage> turn, TokenUsage? usage = null)
    {
        lock (_gate)
        {
            _messages.AddRange(turn);
            Usage = TokenUsage.Combine(Usage, usage)!;
            UpdatedAt = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>Forgets the history (the system message stays).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
            UpdatedAt = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>
    /// Forgets the last turn (from its user message on) and returns that user message, for asking
    /// again (Start-LlmChat's /retry); null when there is no turn.
    /// </summary>
    public ChatMessage? RemoveLastTurn()
    {
        lock (_gate)
        {
            var start = _messages.FindLastIndex(m => m.Role == "user");
            if (start < 0) return null;
            var prompt = _messages[start];
            _messages.RemoveRange(start, _messages.Count - start);
            UpdatedAt = DateTimeOffset.UtcNow;
            return prompt;
        }
    }

    /// <summary>Replaces the history, e.g. when importing a saved session.</summary>
    internal void Load(IEnumerable<ChatMessage> messages)
    {
        lock (_gate)
        {
            _messages.Clear();
            _messages.AddRange(messages);
        }
    }

    /// <summary>"ChatSession" with the start of its id and how many turns it has.</summary>
    public override string ToString() => $"ChatSession {Id.ToString()[..8]} ({TurnCount} turns)";
}
