using PsLlm.Engine.Observability.Logging;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Get-LlmUsage's totals: tokens by model, tag and day; costs from the price table; no cost for models without a price.</summary>
public sealed class LlmLogUsageTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly TempLogFile _log = new();

    public void Dispose() => _log.Dispose();

    private IReadOnlyList<LlmUsageSummary> Usage(params UsageGrouping[] groupBy) => _log.Store.Usage(new UsageQuery { GroupBy = groupBy.Select(g => g.ToString()).ToArray() });

    private void Seed()
    {
        var chain = new LlmLogEntry
        {
            RunId = Guid.NewGuid(), Kind = "Chain", Name = "Invoke-LlmChat", StartTime = Noon, EndTime = Noon,
            Usage = new TokenUsage { InputTokens = 999_999, OutputTokens = 999_999, TotalTokens = 1_999_998 }, // a chain repeats its calls' usage: never counted
        };
        _log.Store.Write(new[]
        {
            chain,
            TempLogFile.Llm("gpt-4o-mini", "a", "b", input: 1_000_000, output: 100_000, at: Noon, tags: new[] { "work" }, parent: chain.RunId),
            TempLogFile.Llm("gpt-4o-mini", "c", "d", input: 2_000_000, output: 0, cached: 1_000_000, at: Noon.AddDays(1), tags: new[] { "work", "batch" }),
            TempLogFile.Llm("llama3.2", "e", "f", input: 500, output: 300, at: Noon),
            TempLogFile.Llm("llama3.2", "g", "h", input: 700, output: 100, at: Noon.AddDays(1), tags: new[] { "work" }),
            TempLogFile.Llm("llama3.2", "i", "j", at: Noon) with { Usage = null, Status = "Error" },
        });
    }

    [Fact]
    public void TotalsByModelPriceKnownModelsAndLeaveOthersWithoutCost()
    {
        Seed();
        var byModel = Usage(UsageGrouping.Model).ToDictionary(u => u.Model!);
        Assert.Equal(new[] { "gpt-4o-mini", "llama3.2" }, byModel.Keys.Order());

        var mini = byModel["gpt-4o-mini"];
        Assert.Equal((2L, 3_000_000L, 1_000_000L, 100_000L), (mini.Runs, mini.InputTokens, mini.CachedInputTokens, mini.OutputTokens));
        // Built-in gpt-4o-mini: 0.15 input, 0.075 cached input, 0.60 output per million.
        Assert.Equal(0.15m + 0.06m + (1m * 0.15m + 1m * 0.075m), mini.Cost);
        Assert.Equal(0, mini.RunsWithoutCost);
        Assert.Equal("USD", mini.Currency);

        var llama = byModel["llama3.2"];
        Assert.Equal((3L, 1200L, 400L), (llama.Runs, llama.InputTokens, llama.OutputTokens));
        Assert.Null(llama.Cost); // no price: tokens only, never a guess
        Assert.Equal(3, llama.RunsWithoutCost);
    }

    [Fact]
    public void UserPricesApplyIncludingWildcardsAndOverrideBuiltIns()
    {
        Seed();
        _log.Store.SetPrice(new LlmPrice { Model = "llama*", InputPerMillion = 1m, OutputPerMillion = 2m });
        _log.Store.SetPrice(new LlmPrice { Model = "GPT-4O-MINI", InputPerMillion = 10m, OutputPerMillion = 20m });
        var byModel = Usage(UsageGrouping.Model).ToDictionary(u => u.Model!);

        Assert.Equal((1200m * 1m + 400m * 2m) / 1_000_000m, byModel["llama3.2"].Cost);
        Assert.Equal(1, byModel["llama3.2"].RunsWithoutCost); // the failed call reported no usage
        Assert.Equal((3_000_000m * 10m + 100_000m * 20m) / 1_000_000m, byModel["gpt-4o-mini"].Cost); // no cached price: cached input costs as input

        _log.Store.SetPrice(new LlmPrice { Model = "llama*", InputPerMillion = 0m, OutputPerMillion = 0m });
        Assert.Equal(0m, Usage(UsageGrouping.Model).Single(u => u.Model == "llama3.2").Cost); // set again: replaced
        Assert.Contains(_log.Store.Prices(), p => p.Model == "llama*" && p.Source == "User" && p.InputPerMillion == 0m);
    }

    [Fact]
    public void TotalsByTagCountACallUnderEachOfItsTags()
    {
        Seed();
        var byTag = Usage(UsageGrouping.Tag).ToDictionary(u => u.Tag ?? "(none)");
        Assert.Equal(new[] { "(none)", "batch", "work" }, byTag.Keys.Order());
        Assert.Equal(3, byTag["work"].Runs);
        Assert.Equal(1, byTag["batch"].Runs);
        Assert.Equal(2, byTag["(none)"].Runs);
        Assert.Equal(3_000_700, byTag["work"].InputTokens);
        Assert.Equal(1, byTag["work"].RunsWithoutCost);
        Assert.NotNull(byTag["work"].Cost); // partly priced: the priced calls' cost, the rest counted
    }

    [Fact]
    public void TotalsByDayAndModelUseLocalDays()
    {
        Seed();
        var rows = Usage(UsageGrouping.Day, UsageGrouping.Model);
        var day1 = Noon.ToLocalTime().Date;
        var day2 = Noon.AddDays(1).ToLocalTime().Date;
        Assert.Equal(
            new[] { (day1, "gpt-4o-mini", 1L), (day1, "llama3.2", 2L), (day2, "gpt-4o-mini", 1L), (day2, "llama3.2", 1L) },
            rows.Select(r => (r.Day!.Value, r.Model!, r.Runs)));
        Assert.All(rows, r => Assert.Null(r.Tag));
    }

    [Fact]
    public void FiltersNarrowTheTotals()
    {
        Seed();
        var since = _log.Store.Usage(new UsageQuery { GroupBy = Array.Empty<string>(), Since = Noon.AddHours(1) }).Single();
        Assert.Equal((2L, 2_000_700L), (since.Runs, since.InputTokens));
        Assert.Null(since.Model);
        var until = _log.Store.Usage(new UsageQuery { Until = Noon.AddHours(1), Models = new[] { "llama*" } }).Single();
        Assert.Equal((2L, "llama3.2"), (until.Runs, until.Model));
        var tagged = _log.Store.Usage(new UsageQuery { Tags = new[] { "batch" } }).Single();
        Assert.Equal(2_000_000, tagged.InputTokens);
        Assert.Empty(_log.Store.Usage(new UsageQuery { Models = new[] { "nothing-like-this" } }));
    }

    [Fact]
    public void AnsweringModelIsPricedWhenTheAskedForNameIsUnknown()
    {
        // Azure: the deployment name is arbitrary; the server reports the real model.
        _log.Store.Write(new[] { TempLogFile.Llm("my-deployment", "a", "b", input: 1_000_000, output: 0, responseModel: "gpt-4o-mini-2024-07-18") });
        var row = _log.Store.Usage(new UsageQuery()).Single();
        Assert.Equal("my-deployment", row.Model);
        Assert.Equal(0.15m, row.Cost);
    }
}
