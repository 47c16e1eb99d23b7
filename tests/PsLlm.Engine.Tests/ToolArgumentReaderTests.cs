using PsLlm.Engine.Tools;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Argument conversion details and the output limit.</summary>
public sealed class ToolArgumentReaderTests
{
    [Fact]
    public void FreeFormObjectsKeepWholeNumbersWhole()
    {
        var args = ToolArgumentReader.Read("""{"options":{"count":3,"ratio":0.5,"tags":[1,"a"]}}""", """{"type":"object","properties":{"options":{"type":"object"}}}""");
        var options = Assert.IsType<Dictionary<string, object?>>(args["options"]);
        Assert.IsType<long>(options["count"]);
        Assert.Equal(0.5, options["ratio"]);
        Assert.Equal(new object?[] { 1L, "a" }, Assert.IsType<object?[]>(options["tags"]));
    }

    [Fact]
    public void NoSchemaMeansNoArguments()
    {
        Assert.Empty(ToolArgumentReader.Read("{}", ""));
        var error = Assert.Throws<ToolArgumentException>(() => ToolArgumentReader.Read("""{"x":1}""", ""));
        Assert.Contains("has no parameter 'x'", error.Message);
    }

    [Fact]
    public void OutputLimitIsExactAndIdempotent()
    {
        var huge = new string('x', 50_000);
        var once = ToolOutputLimit.Apply(huge);
        Assert.True(once.Length <= ToolOutputLimit.MaxCharacters);
        Assert.EndsWith($"characters]", once);
        Assert.Contains($"truncated {50_000 - once.IndexOf('…')} characters", once);
        Assert.Equal(once, ToolOutputLimit.Apply(once));
        Assert.Equal("short", ToolOutputLimit.Apply("short"));
    }
}
