using PsLlm.Engine.Observability.Pricing;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Which price applies to a model, and what a call costs.</summary>
public sealed class PriceTableTests
{
    private static LlmPrice Price(string model, decimal input, decimal output, decimal? cached = null) =>
        new() { Model = model, InputPerMillion = input, OutputPerMillion = output, CachedInputPerMillion = cached };

    [Theory]
    [InlineData("gpt-4o-mini", 0.15)]
    [InlineData("GPT-4o-Mini", 0.15)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15)]
    [InlineData("gpt-4o", 2.50)]
    [InlineData("gpt-4o-2024-08-06", 2.50)]
    [InlineData("gpt-4o-2024-05-13", 5.00)]
    [InlineData("gpt-4.1-nano", 0.10)]
    public void BuiltInPricesCoverAliasesAndDatedSnapshots(string model, double input)
    {
        var price = PriceTable.BuiltIn.Find(model);
        Assert.NotNull(price);
        Assert.Equal((decimal)input, price!.InputPerMillion);
        Assert.Equal("BuiltIn", price.Source);
        Assert.Equal(BuiltInPrices.TakenOn, price.AsOf);
    }

    [Theory]
    [InlineData("llama3.2")]
    [InlineData("gpt-4o-mini-realtime")]
    [InlineData("my-gpt-4o-mini")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownModelsHaveNoPrice(string? model) => Assert.Null(PriceTable.BuiltIn.Find(model));

    [Fact]
    public void UserPricesComeFirstThenExactNamesThenTheMostSpecificPattern()
    {
        var table = new PriceTable(
            user: new[] { Price("gpt-*", 9, 9), Price("llama3*", 1, 1), Price("llama3.2*", 2, 2), Price("llama3.2:1b", 3, 3) },
            builtIn: new[] { Price("gpt-4o-mini", 0.15m, 0.6m), Price("mistral*", 4, 4) });
        Assert.Equal(9, table.Find("gpt-4o-mini")!.InputPerMillion);
        Assert.Equal(1, table.Find("llama3.1")!.InputPerMillion);
        Assert.Equal(2, table.Find("llama3.2:3b")!.InputPerMillion);
        Assert.Equal(3, table.Find("LLAMA3.2:1B")!.InputPerMillion);
        Assert.Equal(4, table.Find("mistral-large")!.InputPerMillion);
        Assert.Null(table.Find("phi3"));
        Assert.Equal(2, table.Find(null, "phi3", "llama3.2")!.InputPerMillion); // the first name that has a price
    }

    [Fact]
    public void CostCountsCachedInputAtItsOwnPriceAndOutputIncludingReasoning()
    {
        var price = Price("m", 2.00m, 8.00m, cached: 0.50m);
        Assert.Equal((600_000m * 2 + 400_000m * 0.5m + 250_000m * 8) / 1_000_000m, PriceTable.Cost(price, 1_000_000, 400_000, 250_000));
        Assert.Equal(0m, PriceTable.Cost(price, 0, 0, 0));
        Assert.Equal(2.00m, PriceTable.Cost(Price("m", 2.00m, 8.00m), 1_000_000, 1_000_000, 0)); // no cached price: full input price
        Assert.Equal(0.25m, PriceTable.Cost(price, 500_000, 900_000, 0)); // a cached count above the input count: all input cached, none charged twice
    }
}
