namespace PsLlm;

/// <summary>
/// Token totals and estimated cost of the model calls in one group (Get-LlmUsage): a model, a tag,
/// a day, or a combination. Cost covers only the calls whose model has a price and whose server
/// reported usage; <see cref="RunsWithoutCost"/> counts the others, and Cost is null when no call
/// in the group could be priced. No price is ever guessed.
/// </summary>
public sealed class LlmUsageSummary
{
    /// <summary>The model asked for; null unless grouped by model.</summary>
    public string? Model { get; init; }
    /// <summary>The tag; null unless grouped by tag (and for runs without tags).</summary>
    public string? Tag { get; init; }
    /// <summary>The local calendar day; null unless grouped by day.</summary>
    public DateTime? Day { get; init; }
    /// <summary>Model calls in the group.</summary>
    public long Runs { get; init; }
    /// <summary>Input (prompt) tokens.</summary>
    public long InputTokens { get; init; }
    /// <summary>Input tokens served from the server's cache (included in <see cref="InputTokens"/>).</summary>
    public long CachedInputTokens { get; init; }
    /// <summary>Output (completion) tokens.</summary>
    public long OutputTokens { get; init; }
    /// <summary>Hidden reasoning tokens (included in <see cref="OutputTokens"/>).</summary>
    public long ReasoningTokens { get; init; }
    /// <summary>All tokens.</summary>
    public long TotalTokens { get; init; }
    /// <summary>Estimated cost in <see cref="Currency"/>; null when no call in the group has a price.</summary>
    public decimal? Cost { get; init; }
    /// <summary>The currency of <see cref="Cost"/>: USD.</summary>
    public string Currency { get; init; } = "USD";
    /// <summary>Calls not included in <see cref="Cost"/>: no price for their model, or no usage reported.</summary>
    public long RunsWithoutCost { get; init; }

    /// <summary>The group and its token counts.</summary>
    public override string ToString() => $"{Model ?? Tag ?? Day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}: {InputTokens} in / {OutputTokens} out";
}
