namespace PsLlm;

/// <summary>Token counts reported by the server for one response.</summary>
public sealed class TokenUsage
{
    /// <summary>Tokens of the messages sent (the prompt).</summary>
    public int InputTokens { get; init; }
    /// <summary>Tokens of the answer, reasoning included.</summary>
    public int OutputTokens { get; init; }
    /// <summary>Input and output tokens together.</summary>
    public int TotalTokens { get; init; }
    /// <summary>Hidden reasoning tokens (o-series models), included in <see cref="OutputTokens"/>.</summary>
    public int ReasoningTokens { get; init; }
    /// <summary>Prompt tokens served from the server's cache, included in <see cref="InputTokens"/>.</summary>
    public int CachedInputTokens { get; init; }

    /// <summary>The sum of two counts (either may be missing), e.g. over the rounds of a tool chat.</summary>
    public static TokenUsage? Combine(TokenUsage? a, TokenUsage? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        return new TokenUsage
        {
            InputTokens = a.InputTokens + b.InputTokens,
            OutputTokens = a.OutputTokens + b.OutputTokens,
            TotalTokens = a.TotalTokens + b.TotalTokens,
            ReasoningTokens = a.ReasoningTokens + b.ReasoningTokens,
            CachedInputTokens = a.CachedInputTokens + b.CachedInputTokens,
        };
    }

    /// <summary>"N in / N out".</summary>
    public override string ToString() => $"{InputTokens} in / {OutputTokens} out";
}
