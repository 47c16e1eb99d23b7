using PsLlm.Engine.Callbacks;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Coalescing for engine events keeps text and order while cutting the number of events.</summary>
public sealed class TokenCoalescerTests
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private LlmNewTokenEvent Token(int index, string text) => new()
    {
        Token = text,
        Index = index,
        Chunk = new ChatToken { Text = text, Index = index },
        Timestamp = _now,
    };

    [Fact]
    public void BatchesByAgeAndKeepsText()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromMilliseconds(100), maxChars: 1000, clock: () => _now);
        var batches = new List<LlmNewTokenEvent>();
        for (var i = 0; i < 10; i++)
        {
            if (coalescer.Add(Token(i, $"w{i} ")) is { } b) batches.Add(b);
            _now += TimeSpan.FromMilliseconds(30);
        }
        if (coalescer.Flush() is { } last) batches.Add(last);

        Assert.Equal(string.Concat(Enumerable.Range(0, 10).Select(i => $"w{i} ")), string.Concat(batches.Select(b => b.Token)));
        Assert.Equal(10, batches.Sum(b => b.Count));
        Assert.True(batches.Count is >= 2 and <= 4, $"{batches.Count} batches");
        Assert.Equal(0, batches[0].Index);
        Assert.Equal(batches[0].Count, batches[1].Index);
        Assert.Null(coalescer.Flush());
    }

    [Fact]
    public void SlowTokensAreReleasedWithoutWaitingForTheNext()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromMilliseconds(100), clock: () => _now);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"t{i}", coalescer.Add(Token(i, $"t{i}"))?.Token);
            _now += TimeSpan.FromMilliseconds(150);
        }
        Assert.Null(coalescer.Flush());
    }

    [Fact]
    public void ReasoningAndAnswerNeverShareABatch()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromHours(1), clock: () => _now);
        Assert.NotNull(coalescer.Add(Reasoning(0, "think")));   // the first token leads
        Assert.Null(coalescer.Add(Reasoning(1, "ing")));
        Assert.Equal(ChatTokenKind.Reasoning, coalescer.PendingKind);
        Assert.Throws<InvalidOperationException>(() => coalescer.Add(Token(0, "answer")));
        var reasoning = coalescer.Flush()!;
        Assert.Equal((ChatTokenKind.Reasoning, ChatTokenKind.Reasoning, "ing"), (reasoning.TokenKind, reasoning.Chunk.Kind, reasoning.Token));
        Assert.Null(coalescer.Add(Token(0, "answer")));
        Assert.Equal(ChatTokenKind.Text, coalescer.Flush()!.TokenKind);
    }

    private LlmNewTokenEvent Reasoning(int index, string text) => new()
    {
        Token = text,
        Index = index,
        TokenKind = ChatTokenKind.Reasoning,
        Chunk = new ChatToken { Text = text, Index = index, Kind = ChatTokenKind.Reasoning },
        Timestamp = _now,
    };

    [Fact]
    public void NewLineAndSizeReleaseABatch()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromHours(1), maxChars: 5, clock: () => _now);
        Assert.Equal("x", coalescer.Add(Token(0, "x"))!.Token);   // the first token leads
        Assert.Null(coalescer.Add(Token(1, "ab")));
        Assert.Equal("ab\n", coalescer.Add(Token(2, "\n"))!.Token);
        Assert.Null(coalescer.Add(Token(3, "cd")));
        var sized = coalescer.Add(Token(4, "efg"));
        Assert.Equal("cdefg", sized!.Token);
        Assert.Equal(3, sized.Index);
        Assert.Equal(2, sized.Count);
    }
}
