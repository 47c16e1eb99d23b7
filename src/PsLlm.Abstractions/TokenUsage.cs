namespace PsLlm;

/// <summary>Token counts reported by the server for one response.</summary>
public sealed class TokenUsage
{
    public int InputTokens { get; init; }
    public int OutputTokens { get; init; }
    public int TotalTokens { get; init; }
    /// <summary>Hidden reasoning tokens (o-series models), included in <see cref="OutputTokens"/>.</summary>
    public int ReasoningTokens { get; init; }
    /// <summary>Prompt tokens served from the server's cache, included in <see cref="InputTokens"/>.</summary>
    public int CachedInputTokens { get; init; }

    public override string ToString() => $"{InputTokens} in / {OutputTokens} out";
}
