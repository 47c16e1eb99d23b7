namespace PsLlm;

/// <summary>
/// What a model costs per million tokens, for Get-LlmUsage's estimates. <see cref="Model"/> is a
/// name or a wildcard pattern (* and ?), matched case-insensitively.
/// </summary>
public sealed class LlmPrice
{
    /// <summary>A model name or wildcard pattern, e.g. gpt-4o-mini or llama3*.</summary>
    public string Model { get; init; } = string.Empty;
    /// <summary>The price of a million input tokens.</summary>
    public decimal InputPerMillion { get; init; }
    /// <summary>The price of a million output tokens (reasoning tokens are output tokens).</summary>
    public decimal OutputPerMillion { get; init; }
    /// <summary>Price of cached input tokens; null means they cost the same as other input.</summary>
    public decimal? CachedInputPerMillion { get; init; }
    /// <summary>The currency of the prices: USD.</summary>
    public string Currency { get; init; } = "USD";
    /// <summary>BuiltIn (shipped with PsLlm) or User (Set-LlmPrice).</summary>
    public string Source { get; init; } = "User";
    /// <summary>When the price was taken (built-in) or set (user).</summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>The model and its prices per million tokens.</summary>
    public override string ToString() => $"{Model}: {InputPerMillion} in / {OutputPerMillion} out per 1M {Currency}";
}
