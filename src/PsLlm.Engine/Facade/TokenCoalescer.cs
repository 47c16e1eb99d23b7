using System.Text;

namespace PsLlm.Engine;

/// <summary>
/// Joins consecutive LlmNewToken events into fewer, larger ones for PowerShell engine events,
/// whose -Action subscribers run about two actions per pump. A token is released at once when the
/// last batch went out at least <see cref="MaxAge"/> ago (so a slow model's tokens are never held
/// back until the next one arrives); otherwise it waits in the batch, which is released when that
/// much time has passed, it holds <see cref="MaxChars"/> characters, it ends a line, or the run
/// ends (<see cref="Flush"/>). Text, order and the first token's index are preserved.
/// </summary>
public sealed class TokenCoalescer
{
    private readonly Func<DateTimeOffset> _now;
    private readonly StringBuilder _text = new();
    private LlmNewTokenEvent? _first;
    private int _count;
    private DateTimeOffset _lastRelease = DateTimeOffset.MinValue;
    private readonly bool _releaseAtLineEnd;

    /// <param name="maxAge">The longest a batch waits, and the least time between two batches.</param>
    /// <param name="maxChars">A batch this long is released at once.</param>
    /// <param name="clock">The time (tests give their own).</param>
    /// <param name="releaseAtLineEnd">Release a batch when a token ends a line (for readers who act on whole lines).</param>
    public TokenCoalescer(TimeSpan? maxAge = null, int maxChars = 256, Func<DateTimeOffset>? clock = null, bool releaseAtLineEnd = true)
    {
        MaxAge = maxAge ?? TimeSpan.FromMilliseconds(100);
        MaxChars = maxChars;
        _now = clock ?? (() => DateTimeOffset.UtcNow);
        _releaseAtLineEnd = releaseAtLineEnd;
    }

    /// <summary>The longest a batch waits, and the least time between two batches.</summary>
    public TimeSpan MaxAge { get; }
    /// <summary>A batch this long is released at once.</summary>
    public int MaxChars { get; }

    /// <summary>Adds a token; returns a coalesced event when a batch is due, otherwise null.</summary>
    public LlmNewTokenEvent? Add(LlmNewTokenEvent token)
    {
        // Reasoning and answer never share an event: the caller releases the batch when the kind changes.
        if (_first is not null && _first.TokenKind != token.TokenKind)
            throw new InvalidOperationException("The pending batch holds tokens of another kind: Flush() it first (see PendingKind).");
        _first ??= token;
        _text.Append(token.Token);
        _count++;
        var now = _now();
        var due = _text.Length >= MaxChars
            || _releaseAtLineEnd && token.Token.Contains('\n')
            || now - _lastRelease >= MaxAge;
        if (!due) return null;
        _lastRelease = now;
        return Flush();
    }

    /// <summary>The kind of the tokens waiting in the batch; null when none wait.</summary>
    public ChatTokenKind? PendingKind => _first?.TokenKind;

    /// <summary>Releases whatever is pending (call at LlmEnd/LlmError); null when nothing is.</summary>
    public LlmNewTokenEvent? Flush()
    {
        if (_first is null) return null;
        var first = _first;
        var merged = new LlmNewTokenEvent
        {
            Token = _text.ToString(),
            Index = first.Index,
            Count = _count,
            TokenKind = first.TokenKind,
            Chunk = new ChatToken { Text = _text.ToString(), Index = first.Index, Kind = first.TokenKind, RunId = first.Chunk?.RunId ?? first.RunId, Elapsed = first.Chunk?.Elapsed ?? TimeSpan.Zero },
            Timestamp = first.Timestamp,
        };
        merged.Stamp(first.RunId, first.ParentRunId, first.Tags, first.Metadata);
        _first = null;
        _text.Clear();
        _count = 0;
        return merged;
    }
}
