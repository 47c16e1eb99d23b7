using PsLlm.Engine.Chat;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The history a session sends: newest whole turns within both limits.</summary>
public sealed class HistoryTrimmerTests
{
    private static ChatMessage User(string text) => new("user", text);
    private static ChatMessage Assistant(string text) => new("assistant", text);

    /// <summary>Turns of a user message and an answer each: u1 a1 u2 a2 …</summary>
    private static List<ChatMessage> Turns(int count, int length = 8) =>
        Enumerable.Range(1, count).SelectMany(i => new[] { User($"u{i}".PadRight(length, '.')), Assistant($"a{i}".PadRight(length, '.')) }).ToList();

    private static string[] Texts(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Content.TrimEnd('.')).ToArray();

    /// <summary>A turn that ran a tool: prompt, call, result, answer.</summary>
    private static ChatMessage[] ToolTurn(string prompt, string callId) => new[]
    {
        User(prompt),
        new ChatMessage("assistant", string.Empty) { ToolCalls = new[] { new ToolCall(callId, "Get-Weather", "{\"city\":\"Oslo\"}") } },
        new ChatMessage("tool", "sunny") { ToolCallId = callId, Name = "Get-Weather" },
        Assistant("It is sunny."),
    };

    [Fact]
    public void NoLimitsSendsEverything()
    {
        var history = Turns(5);
        Assert.Same(history, HistoryTrimmer.Trim(history, null, null));
    }

    [Fact]
    public void EmptyHistoryStaysEmpty() => Assert.Empty(HistoryTrimmer.Trim(Array.Empty<ChatMessage>(), 2, 10));

    [Theory]
    [InlineData(4, new[] { "u4", "a4", "u5", "a5" })]
    [InlineData(5, new[] { "u4", "a4", "u5", "a5" })] // 5 would split a turn: the older turn goes whole
    [InlineData(2, new[] { "u5", "a5" })]
    [InlineData(10, new[] { "u1", "a1", "u2", "a2", "u3", "a3", "u4", "a4", "u5", "a5" })]
    [InlineData(100, new[] { "u1", "a1", "u2", "a2", "u3", "a3", "u4", "a4", "u5", "a5" })]
    public void MaxMessagesDropsOldestTurns(int maxMessages, string[] expected) =>
        Assert.Equal(expected, Texts(HistoryTrimmer.Trim(Turns(5), maxMessages, null)));

    [Fact]
    public void TokensAreCharactersOverFourRoundedUpPlusFourPerMessage()
    {
        Assert.Equal(4, HistoryTrimmer.EstimateTokens(User(string.Empty)));
        Assert.Equal(5, HistoryTrimmer.EstimateTokens(User("abcd")));
        Assert.Equal(6, HistoryTrimmer.EstimateTokens(User("abcde")));
        // Tool calls count their name and arguments: 11 + 16 characters = 7 tokens.
        var call = new ChatMessage("assistant", string.Empty) { ToolCalls = new[] { new ToolCall("c1", "Get-Weather", "{\"city\":\"Oslo\"}") } };
        Assert.Equal(7 + 4, HistoryTrimmer.EstimateTokens(call));
    }

    [Fact]
    public void MaxTokensDropsOldestTurns()
    {
        // Each message: 8 characters = 2 tokens + 4 = 6; a turn is 12 tokens.
        var history = Turns(5);
        Assert.Equal(new[] { "u4", "a4", "u5", "a5" }, Texts(HistoryTrimmer.Trim(history, null, 24)));
        Assert.Equal(new[] { "u4", "a4", "u5", "a5" }, Texts(HistoryTrimmer.Trim(history, null, 35)));
        Assert.Equal(new[] { "u3", "a3", "u4", "a4", "u5", "a5" }, Texts(HistoryTrimmer.Trim(history, null, 36)));
        Assert.Equal(10, HistoryTrimmer.Trim(history, null, 60).Count);
    }

    [Fact]
    public void TheStricterLimitWins()
    {
        var history = Turns(5);
        Assert.Equal(new[] { "u5", "a5" }, Texts(HistoryTrimmer.Trim(history, 6, 12)));
        Assert.Equal(new[] { "u4", "a4", "u5", "a5" }, Texts(HistoryTrimmer.Trim(history, 4, 1000)));
    }

    [Fact]
    public void ToolTurnsAreKeptWhole()
    {
        var history = new List<ChatMessage> { User("first"), Assistant("one") };
        history.AddRange(ToolTurn("weather?", "call_1"));
        history.AddRange(new[] { User("thanks"), Assistant("welcome") });

        // 7 messages allowed: the tool turn (4) and the last turn (2) fit; dropping only part of the first is not allowed.
        var sent = HistoryTrimmer.Trim(history, 7, null);
        Assert.Equal(new[] { "user", "assistant", "tool", "assistant", "user", "assistant" }, sent.Select(m => m.Role));
        Assert.Equal("weather?", sent[0].Content);

        // 5 messages: the tool turn does not fit whole, so it goes entirely — no orphaned tool result.
        sent = HistoryTrimmer.Trim(history, 5, null);
        Assert.Equal(new[] { "thanks", "welcome" }, sent.Select(m => m.Content));
        Assert.All(HistoryTrimmer.Trim(history, 3, null), m => Assert.NotEqual("tool", m.Role));
    }

    [Fact]
    public void NeverStartsWithAnAssistantOrToolMessage()
    {
        var history = new List<ChatMessage>(ToolTurn("weather?", "call_1"));
        history.AddRange(ToolTurn("and tomorrow?", "call_2"));
        for (var limit = 1; limit <= history.Count; limit++)
        {
            var sent = HistoryTrimmer.Trim(history, limit, null);
            Assert.Equal("user", sent[0].Role);
            foreach (var result in sent.Where(m => m.Role == "tool"))
                Assert.Contains(sent, m => m.ToolCalls.Any(c => c.Id == result.ToolCallId));
        }
    }

    [Fact]
    public void NewestTurnIsKeptEvenAloneOverBudget()
    {
        var history = Turns(2);
        history.AddRange(ToolTurn(new string('x', 4000), "call_9"));
        var sent = HistoryTrimmer.Trim(history, 2, 50);
        Assert.Equal(4, sent.Count);
        Assert.Equal(new string('x', 4000), sent[0].Content);
        Assert.Equal(4, HistoryTrimmer.Trim(history, 1, null).Count);
    }

    [Fact]
    public void MessagesBeforeTheFirstUserMessageBelongToTheFirstTurn()
    {
        var history = new List<ChatMessage> { Assistant("hello, I am a bot"), User("hi"), Assistant("hi!") };
        history.AddRange(Turns(1));
        Assert.Equal(history.Skip(3).Select(m => m.Content), HistoryTrimmer.Trim(history, 4, null).Select(m => m.Content));
        Assert.Equal(5, HistoryTrimmer.Trim(history, 5, null).Count);
    }
}
