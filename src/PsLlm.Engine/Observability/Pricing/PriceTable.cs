using System.IO.Enumeration;

namespace PsLlm.Engine.Observability.Pricing;

/// <summary>
/// Finds a model's price and estimates a call's cost. The user's prices (Set-LlmPrice) come before
/// the built-in ones; within each, an exact name wins over a wildcard pattern, and among patterns
/// the most specific (most literal characters) wins. A model nothing matches has no price: its
/// cost is null, never estimated from a similar model.
/// </summary>
internal sealed class PriceTable
{
    private readonly IReadOnlyList<LlmPrice> _user;
    private readonly IReadOnlyList<LlmPrice> _builtIn;

    public PriceTable(IEnumerable<LlmPrice>? user = null, IEnumerable<LlmPrice>? builtIn = null)
    {
        _user = (user ?? Array.Empty<LlmPrice>()).ToArray();
        _builtIn = (builtIn ?? BuiltInPrices.All).ToArray();
    }

    public static PriceTable BuiltIn { get; } = new();

    /// <summary>Every price, the user's first.</summary>
    public IReadOnlyList<LlmPrice> All => _user.Concat(_builtIn).ToArray();

    /// <summary>The price for <paramref name="model"/>, or null when none applies.</summary>
    public LlmPrice? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return null;
        return Best(_user, model) ?? Best(_builtIn, model);
    }

    /// <summary>The price for the first of several names that has one (e.g. the model that answered, then the one asked for).</summary>
    public LlmPrice? Find(params string?[] models) => models.Select(m => Find(m)).FirstOrDefault(p => p is not null);

    /// <summary>
    /// Cost of <paramref name="inputTokens"/> (of which <paramref name="cachedInputTokens"/> came
    /// from the cache) and <paramref name="outputTokens"/> (reasoning tokens are output tokens).
    /// </summary>
    public static decimal Cost(LlmPrice price, long inputTokens, long cachedInputTokens, long outputTokens)
    {
        var cached = Math.Clamp(cachedInputTokens, 0, Math.Max(inputTokens, 0));
        var uncached = Math.Max(inputTokens, 0) - cached;
        return (uncached * price.InputPerMillion
                + cached * (price.CachedInputPerMillion ?? price.InputPerMillion)
                + Math.Max(outputTokens, 0) * price.OutputPerMillion) / 1_000_000m;
    }

    /// <summary>True when <paramref name="pattern"/> has * or ? (PowerShell-style wildcards).</summary>
    public static bool IsPattern(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    private static LlmPrice? Best(IReadOnlyList<LlmPrice> prices, string model)
    {
        LlmPrice? best = null;
        var bestScore = -1;
        foreach (var price in prices)
        {
            int score;
            if (string.Equals(price.Model, model, StringComparison.OrdinalIgnoreCase)) score = int.MaxValue;
            else if (IsPattern(price.Model) && FileSystemName.MatchesSimpleExpression(price.Model, model, ignoreCase: true))
                score = price.Model.Count(c => c is not ('*' or '?'));
            else continue;
            // Later entries win ties, so a price set again replaces the earlier one.
            if (score >= bestScore) { best = price; bestScore = score; }
        }
        return best;
    }
}
