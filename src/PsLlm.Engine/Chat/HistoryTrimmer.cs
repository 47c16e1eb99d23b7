namespace PsLlm.Engine.Chat;

/// <summary>
/// Chooses the part of a session's history that a chat sends: the newest whole turns that fit
/// both limits, dropping the oldest turns first.
/// <list type="bullet">
/// <item>A turn starts at a user message and runs up to the next one (the assistant's answer, its
/// tool calls and their results), so a tool result never loses the call it answers and the history
/// sent never starts with an assistant or tool message. Messages before the first user message
/// (only a hand-made history has them) belong to the first turn.</item>
/// <item>Tokens are estimated, not counted (the engine has no tokenizer for every model):
/// <c>ceil(characters / 4) + 4</c> per message, where characters are the content plus, for tool
/// calls, each call's name and arguments. The 4 covers the role and the message framing.</item>
/// <item>The newest turn is always kept, even when it alone exceeds a limit: the request has to
/// carry the conversation's latest context, and the server reports it if that is too long.</item>
/// </list>
/// The system message is not part of the history (it lives on the session) and is never trimmed.
/// </summary>
internal static class HistoryTrimmer
{
    /// <summary>Tokens added per message for its role and framing.</summary>
    public const int TokensPerMessage = 4;

    /// <summary>The messages to send, oldest first; all of them when both limits are null.</summary>
    public static IReadOnlyList<ChatMessage> Trim(IReadOnlyList<ChatMessage> history, int? maxMessages, int? maxTokens)
    {
        if (maxMessages is null && maxTokens is null) return history;

        var turns = SplitIntoTurns(history);
        int first = turns.Count, messages = 0, tokens = 0;
        // Walk from the newest turn back; stop at the first turn that would break a limit.
        for (var i = turns.Count - 1; i >= 0; i--)
        {
            var turn = turns[i];
            var turnTokens = turn.Sum(EstimateTokens);
            var fits = (maxMessages is null || messages + turn.Count <= maxMessages)
                && (maxTokens is null || tokens + turnTokens <= maxTokens);
            if (!fits && first < turns.Count) break;
            first = i;
            messages += turn.Count;
            tokens += turnTokens;
            if (!fits) break; // the newest turn alone is over budget: keep it and nothing older
        }
        return first == 0 ? history : turns.Skip(first).SelectMany(t => t).ToArray();
    }

    /// <summary>
    /// What an image costs, roughly: OpenAI counts a 1024×1024 image at high detail as 765 tokens
    /// (85 for the whole plus 170 for each of four tiles); other servers are close to that or below.
    /// </summary>
    public const int TokensPerImage = 765;

    /// <summary>The approximate token count of one message (see the class remarks).</summary>
    public static int EstimateTokens(ChatMessage message)
    {
        long characters = message.Content.Length;
        foreach (var call in message.ToolCalls) characters += call.Name.Length + call.Arguments.Length;
        long images = 0;
        foreach (var attachment in message.Attachments)
        {
            if (attachment.Kind == ChatAttachmentKind.Text) characters += attachment.Name.Length + (attachment.Text?.Length ?? 0);
            else images++;
        }
        return (int)Math.Min(int.MaxValue, (characters + 3) / 4 + images * TokensPerImage + TokensPerMessage);
    }

    /// <summary>The approximate token count of several messages.</summary>
    public static int EstimateTokens(IEnumerable<ChatMessage> messages) => messages.Sum(EstimateTokens);

    private static List<List<ChatMessage>> SplitIntoTurns(IReadOnlyList<ChatMessage> history)
    {
        var turns = new List<List<ChatMessage>>();
        var sawUser = false;
        foreach (var message in history)
        {
            var isUser = message.Role == "user";
            if (turns.Count == 0 || isUser && sawUser) turns.Add(new List<ChatMessage>());
            sawUser |= isUser;
            turns[^1].Add(message);
        }
        return turns;
    }
}
