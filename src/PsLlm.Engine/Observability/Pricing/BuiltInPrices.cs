namespace PsLlm.Engine.Observability.Pricing;

/// <summary>
/// A few OpenAI models' standard-tier prices in USD per million tokens, as listed on
/// https://openai.com/api/pricing when taken on 2025-08-15 (<see cref="TakenOn"/>). Prices change:
/// Set-LlmPrice overrides any of them, and a model not listed here (or set by the user) has no
/// cost at all rather than a guessed one. Dated snapshots (gpt-4o-mini-2024-07-18) match by the
/// "-????-??-??" patterns; exact names win over patterns, so an older snapshot with another price
/// can be listed by name.
/// </summary>
internal static class BuiltInPrices
{
    public static readonly DateTimeOffset TakenOn = new(2025, 8, 15, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<LlmPrice> All { get; } = new[]
    {
        Price("gpt-4o", 2.50m, 10.00m, 1.25m),
        Price("gpt-4o-????-??-??", 2.50m, 10.00m, 1.25m),
        Price("gpt-4o-2024-05-13", 5.00m, 15.00m, null),
        Price("gpt-4o-mini", 0.15m, 0.60m, 0.075m),
        Price("gpt-4o-mini-????-??-??", 0.15m, 0.60m, 0.075m),
        Price("gpt-4.1", 2.00m, 8.00m, 0.50m),
        Price("gpt-4.1-????-??-??", 2.00m, 8.00m, 0.50m),
        Price("gpt-4.1-mini", 0.40m, 1.60m, 0.10m),
        Price("gpt-4.1-mini-????-??-??", 0.40m, 1.60m, 0.10m),
        Price("gpt-4.1-nano", 0.10m, 0.40m, 0.025m),
        Price("gpt-4.1-nano-????-??-??", 0.10m, 0.40m, 0.025m),
        Price("gpt-5", 1.25m, 10.00m, 0.125m),
        Price("gpt-5-????-??-??", 1.25m, 10.00m, 0.125m),
        Price("gpt-5-mini", 0.25m, 2.00m, 0.025m),
        Price("gpt-5-mini-????-??-??", 0.25m, 2.00m, 0.025m),
        Price("o4-mini", 1.10m, 4.40m, 0.275m),
        Price("o4-mini-????-??-??", 1.10m, 4.40m, 0.275m),
    };

    private static LlmPrice Price(string model, decimal input, decimal output, decimal? cachedInput) => new()
    {
        Model = model,
        InputPerMillion = input,
        OutputPerMillion = output,
        CachedInputPerMillion = cachedInput,
        Source = "BuiltIn",
        AsOf = TakenOn,
    };
}
