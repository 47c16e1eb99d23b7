namespace PsLlm.Engine.Chat;

/// <summary>
/// Chooses the history a session sends: the newest whole turns that fit both limits. A turn starts
/// at a user message and runs to the next one (assistant answers, tool calls and their results),
/// so a tool result never loses the call it answers. Tokens are estimated as characters / 4 plus 4
/// a message. The newest turn is always kept, even alone over budget: the model needs it.
/// </summary>
public static class HistoryTrimmer
{
    public static IReadOnlyList<ChatMessage> Trim(IReadOnlyList<ChatMessage> history, int? maxMessages, int? maxTokens)
    {
        var turns = new List<List<ChatMessage>>();
        foreach (var message in history)
        {
            if (message.Role == "user" || turns.Count == 0) turns.Add(new List<ChatMessage>());
            turns[^1].Add(message);
        }
        var kept = new List<List<ChatMessage>>();
        int count = 0, tokens = 0;
        for (var i = turns.Count - 1; i >= 0; i--)
        {
            var turnTokens = turns[i].Sum(EstimateTokens);
            var fits = (maxMessages is null || count + turns[i].Count <= maxMessages) && (maxTokens is null || tokens + turnTokens <= maxTokens);
            if (!fits && kept.Count > 0) break;
            kept.Insert(0, turns[i]);
            count += turns[i].Count;
            tokens += turnTokens;
        }
        return kept.SelectMany(t => t).ToArray();
    }

    public static int EstimateTokens(ChatMessage message) =>
        (message.Content.Length + message.ToolCalls.Sum(c => c.Name.Length + c.Arguments.Length) + 3) / 4 + 4;
}
