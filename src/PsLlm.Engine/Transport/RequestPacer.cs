using System.ClientModel.Primitives;
using System.Globalization;

namespace PsLlm.Engine.Transport;

/// <summary>
/// One pace for every request of a client, however many chats run at once. Before each try a
/// request takes its turn: after the wait a server asked for (a 429's Retry-After, or rate-limit
/// headers saying nothing is left until a reset), in the client's own requests-per-minute
/// spacing, and within its tokens-per-minute budget. So a 429 slows the whole batch at once
/// instead of every request finding out for itself, and the retries do not arrive together.
/// </summary>
internal sealed class RequestPacer
{
    /// <summary>A 429 that names no wait pauses the client this long.</summary>
    private static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _spacing;
    private readonly double _tokensPerSecond;
    private readonly double _tokenCapacity;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset _nextStart;
    private double _tokens;
    private DateTimeOffset _refilled;

    public RequestPacer(int? requestsPerMinute, int? tokensPerMinute, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _spacing = requestsPerMinute is > 0 and var rpm ? TimeSpan.FromMinutes(1) / rpm : TimeSpan.Zero;
        _tokenCapacity = tokensPerMinute is > 0 and var tpm ? tpm : 0;
        _tokensPerSecond = _tokenCapacity / 60;
        _tokens = _tokenCapacity;
        _refilled = _time.GetUtcNow();
    }

    /// <summary>When the server's last word lets requests go again (past: now).</summary>
    public DateTimeOffset PausedUntil
    {
        get { lock (_gate) return _pausedUntil; }
    }

    /// <summary>Waits until a request of about <paramref name="tokens"/> tokens may be sent, and counts it.</summary>
    public async ValueTask WaitTurnAsync(int tokens, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (wait, taken) = TakeTurn(tokens);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            if (taken) return;
        }
    }

    /// <summary>The same, for the SDK's synchronous pipeline.</summary>
    public void WaitTurn(int tokens, CancellationToken cancellationToken) =>
        WaitTurnAsync(tokens, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The request's turn: taken (its start slot and tokens counted) with the wait until its slot,
    /// or not yet, with how long to wait before asking again (a pause, or tokens to refill).
    /// </summary>
    private (TimeSpan Wait, bool Taken) TakeTurn(int tokens)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_pausedUntil > now) return (_pausedUntil - now, false);
            // A request larger than the whole budget goes alone, once the budget is full.
            var needed = Math.Min(tokens, _tokenCapacity);
            if (_tokenCapacity > 0)
            {
                _tokens = Math.Min(_tokenCapacity, _tokens + (now - _refilled).TotalSeconds * _tokensPerSecond);
                _refilled = now;
                if (_tokens < needed) return (TimeSpan.FromSeconds((needed - _tokens) / _tokensPerSecond), false);
                _tokens -= needed;
            }
            // The slot is taken now and waited for after, so concurrent requests line up in turn.
            var slot = _nextStart > now ? _nextStart : now;
            _nextStart = slot + _spacing;
            return (slot - now, true);
        }
    }

    /// <summary>
    /// Learns from a response: a 429 pauses every request of the client for the wait it names (or
    /// a second); rate-limit headers that say nothing is left pause it until their reset.
    /// </summary>
    public void Observe(PipelineResponse response)
    {
        var now = _time.GetUtcNow();
        var until = now;
        if (response.Status == 429) until = Later(until, now + (RetryPolicy.ServerWait(response) ?? DefaultPause));
        foreach (var (remaining, reset) in LimitHeaders)
        {
            if (response.Headers.TryGetValue(remaining, out var left) && left?.Trim() == "0"
                && response.Headers.TryGetValue(reset, out var when) && ResetTime(when, now) is { } resetAt)
                until = Later(until, resetAt);
        }
        if (until <= now) return;
        lock (_gate) _pausedUntil = Later(_pausedUntil, until);
    }

    // OpenAI, Azure OpenAI, Groq, Together, OpenRouter (x-ratelimit-…); Anthropic (anthropic-ratelimit-…).
    private static readonly (string Remaining, string Reset)[] LimitHeaders =
    [
        ("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"),
        ("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"),
        ("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"),
        ("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"),
    ];

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// A reset as servers write it: a duration ("1s", "6m0s", "59.56s", "20ms", OpenAI's and
    /// Groq's), seconds ("12"), an RFC 3339 time (Anthropic's) or milliseconds since the epoch.
    /// </summary>
    public static DateTimeOffset? ResetTime(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number > 1e12 ? DateTimeOffset.FromUnixTimeMilliseconds((long)number) : now + TimeSpan.FromSeconds(number);
        if (Duration(value) is { } duration) return now + duration;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    // Go's time.Duration text: a run of <number><unit> with units h, m, s, ms, us, ns.
    private static TimeSpan? Duration(string value)
    {
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < value.Length)
        {
            var start = i;
            while (i < value.Length && (char.IsAsciiDigit(value[i]) || value[i] == '.')) i++;
            if (start == i || !double.TryParse(value.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)) return null;
            var unitStart = i;
            while (i < value.Length && char.IsAsciiLetter(value[i])) i++;
            var unit = value[unitStart..i];
            total += unit switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                "us" or "µs" => TimeSpan.FromTicks((long)(amount * 10)),
                "ns" => TimeSpan.FromTicks((long)(amount / 100)),
                _ => TimeSpan.MinValue,
            };
            if (total < TimeSpan.Zero) return null;
        }
        return total;
    }
}
