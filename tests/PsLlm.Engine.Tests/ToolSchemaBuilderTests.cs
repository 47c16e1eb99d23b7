using System.Text.Json.Nodes;
using PsLlm.Engine.Tools;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The tool definitions the module sends: the exact schema for each parameter shape, in normal
/// and strict mode, the recorded OpenAI requests rebuilt from parameter specs, and tool names.
/// </summary>
public sealed class ToolSchemaBuilderTests
{
    private static ToolParameterSpec P(string name, ToolValueKind kind) => new(name, kind);

    /// <summary>One parameter; its property as sent without and with strict mode.</summary>
    public static TheoryData<string, ToolParameterSpec, string, string> Shapes() => new()
    {
        { "string", P("Name", ToolValueKind.String),
            """{"type":"string"}""", """{"type":["string","null"]}""" },
        { "integer", P("Count", ToolValueKind.Integer),
            """{"type":"integer"}""", """{"type":["integer","null"]}""" },
        { "double", P("Ratio", ToolValueKind.Number),
            """{"type":"number"}""", """{"type":["number","null"]}""" },
        { "bool", P("Force", ToolValueKind.Boolean),
            """{"type":"boolean"}""", """{"type":["boolean","null"]}""" },
        { "enum", P("Color", ToolValueKind.String) with { AllowedValues = new[] { "Red", "Green" } },
            """{"type":"string","enum":["Red","Green"]}""", """{"type":["string","null"],"enum":["Red","Green",null]}""" },
        { "string array", P("Names", ToolValueKind.Array) with { ItemKind = ToolValueKind.String },
            """{"type":"array","items":{"type":"string"}}""", """{"type":["array","null"],"items":{"type":"string"}}""" },
        { "int array", P("Ids", ToolValueKind.Array) with { ItemKind = ToolValueKind.Integer },
            """{"type":"array","items":{"type":"integer"}}""", """{"type":["array","null"],"items":{"type":"integer"}}""" },
        { "enum array", P("Days", ToolValueKind.Array) with { AllowedValues = new[] { "Mon", "Tue" } },
            """{"type":"array","items":{"type":"string","enum":["Mon","Tue"]}}""", """{"type":["array","null"],"items":{"type":"string","enum":["Mon","Tue"]}}""" },
        { "ranged int array", P("Ports", ToolValueKind.Array) with { ItemKind = ToolValueKind.Integer, Minimum = 1, Maximum = 65535 },
            """{"type":"array","items":{"type":"integer","minimum":1,"maximum":65535}}""", """{"type":["array","null"],"items":{"type":"integer","minimum":1,"maximum":65535}}""" },
        { "hashtable", P("Data", ToolValueKind.Object),
            """{"type":"object"}""", """{"type":["string","null"],"description":"A JSON object, written as a string."}""" },
        { "hashtable array", P("Rows", ToolValueKind.Array) with { ItemKind = ToolValueKind.Object },
            """{"type":"array","items":{"type":"object"}}""", """{"type":["array","null"],"description":"Each item is a JSON object, written as a string.","items":{"type":"string"}}""" },
        { "range", P("Month", ToolValueKind.Integer) with { Minimum = 1, Maximum = 12 },
            """{"type":"integer","minimum":1,"maximum":12}""", """{"type":["integer","null"],"minimum":1,"maximum":12}""" },
        { "fractional range", P("Ratio", ToolValueKind.Number) with { Minimum = 0.5, Maximum = 2 },
            """{"type":"number","minimum":0.5,"maximum":2}""", """{"type":["number","null"],"minimum":0.5,"maximum":2}""" },
        { "minimum only", P("Size", ToolValueKind.Integer) with { Minimum = 0 },
            """{"type":"integer","minimum":0}""", """{"type":["integer","null"],"minimum":0}""" },
        { "range ignored on strings", P("Text", ToolValueKind.String) with { Minimum = 1, Maximum = 2 },
            """{"type":"string"}""", """{"type":["string","null"]}""" },
        { "description", P("Path", ToolValueKind.String) with { Description = "  The file's path, e.g. C:\\temp\\a.txt  " },
            """{"type":"string","description":"The file's path, e.g. C:\\temp\\a.txt"}""", """{"type":["string","null"],"description":"The file's path, e.g. C:\\temp\\a.txt"}""" },
        { "described hashtable", P("Data", ToolValueKind.Object) with { Description = "Settings." },
            """{"type":"object","description":"Settings."}""", """{"type":["string","null"],"description":"Settings. A JSON object, written as a string."}""" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OptionalParameterShapes(string shape, ToolParameterSpec parameter, string normal, string strict)
    {
        Assert.Equal($$$"""{"type":"object","properties":{"{{{parameter.Name}}}":{{{normal}}}},"additionalProperties":false}""",
            ToolSchemaBuilder.Build(new[] { parameter }, strict: false));
        Assert.Equal($$$"""{"type":"object","properties":{"{{{parameter.Name}}}":{{{strict}}}},"required":["{{{parameter.Name}}}"],"additionalProperties":false}""",
            ToolSchemaBuilder.Build(new[] { parameter }, strict: true));
        Assert.False(string.IsNullOrEmpty(shape));
    }

    [Theory]
    [InlineData(ToolValueKind.String, """{"type":"string"}""", """{"type":"string"}""")]
    [InlineData(ToolValueKind.Integer, """{"type":"integer"}""", """{"type":"integer"}""")]
    [InlineData(ToolValueKind.Boolean, """{"type":"boolean"}""", """{"type":"boolean"}""")]
    [InlineData(ToolValueKind.Object, """{"type":"object"}""", """{"type":"string","description":"A JSON object, written as a string."}""")]
    public void RequiredParametersAreNeverNullable(ToolValueKind kind, string normal, string strict)
    {
        var parameter = P("Value", kind) with { Required = true };
        Assert.Equal($$$"""{"type":"object","properties":{"Value":{{{normal}}}},"required":["Value"],"additionalProperties":false}""",
            ToolSchemaBuilder.Build(new[] { parameter }, strict: false));
        Assert.Equal($$$"""{"type":"object","properties":{"Value":{{{strict}}}},"required":["Value"],"additionalProperties":false}""",
            ToolSchemaBuilder.Build(new[] { parameter }, strict: true));
    }

    [Fact]
    public void RequiredEnumInStrictModeDoesNotAllowNull()
    {
        var parameter = P("Unit", ToolValueKind.String) with { Required = true, AllowedValues = new[] { "C", "F" } };
        Assert.Equal("""{"type":"object","properties":{"Unit":{"type":"string","enum":["C","F"]}},"required":["Unit"],"additionalProperties":false}""",
            ToolSchemaBuilder.Build(new[] { parameter }, strict: true));
    }

    [Fact]
    public void MixedParametersKeepTheirOrderAndOnlyMandatoryOnesAreRequired()
    {
        var parameters = new[]
        {
            P("Path", ToolValueKind.String) with { Required = true, Description = "Where." },
            P("Depth", ToolValueKind.Integer) with { Minimum = 0, Maximum = 10 },
            P("Recurse", ToolValueKind.Boolean),
            P("Mode", ToolValueKind.String) with { Required = true, AllowedValues = new[] { "Fast", "Full" } },
        };
        Assert.Equal(
            """{"type":"object","properties":{"Path":{"type":"string","description":"Where."},"Depth":{"type":"integer","minimum":0,"maximum":10},"Recurse":{"type":"boolean"},"Mode":{"type":"string","enum":["Fast","Full"]}},"required":["Path","Mode"],"additionalProperties":false}""",
            ToolSchemaBuilder.Build(parameters, strict: false));
        Assert.Equal(
            """{"type":"object","properties":{"Path":{"type":"string","description":"Where."},"Depth":{"type":["integer","null"],"minimum":0,"maximum":10},"Recurse":{"type":["boolean","null"]},"Mode":{"type":"string","enum":["Fast","Full"]}},"required":["Path","Depth","Recurse","Mode"],"additionalProperties":false}""",
            ToolSchemaBuilder.Build(parameters, strict: true));
    }

    [Fact]
    public void NoParameters()
    {
        Assert.Equal("""{"type":"object","properties":{},"additionalProperties":false}""", ToolSchemaBuilder.Build(Array.Empty<ToolParameterSpec>(), strict: false));
        Assert.Equal("""{"type":"object","properties":{},"required":[],"additionalProperties":false}""", ToolSchemaBuilder.Build(Array.Empty<ToolParameterSpec>(), strict: true));
    }

    [Fact]
    public void ADuplicateParameterIsRejected() =>
        Assert.Throws<ArgumentException>(() => ToolSchemaBuilder.Build(new[] { P("A", ToolValueKind.String), P("A", ToolValueKind.Integer) }, strict: false));

    [Fact]
    public void StrictSchemaSatisfiesOpenAIsRules()
    {
        var parameters = new[]
        {
            P("Name", ToolValueKind.String) with { Required = true },
            P("Tags", ToolValueKind.Array) with { ItemKind = ToolValueKind.String },
            P("Data", ToolValueKind.Object),
            P("Color", ToolValueKind.String) with { AllowedValues = new[] { "Red" } },
        };
        var schema = JsonNode.Parse(ToolSchemaBuilder.Build(parameters, strict: true))!.AsObject();
        var properties = schema["properties"]!.AsObject();
        var required = schema["required"]!.AsArray().Select(r => (string)r!).ToArray();
        Assert.Equal(properties.Select(p => p.Key), required);
        Assert.False((bool)schema["additionalProperties"]!);
        // No free-form objects anywhere: each "object" needs properties and additionalProperties:false.
        Assert.DoesNotContain("\"object\"", properties.ToJsonString());
    }

    /// <summary>What the builder writes, the engine's argument check reads: values, nulls and limits.</summary>
    [Fact]
    public void ArgumentsAreCheckedAgainstTheBuiltSchema()
    {
        var parameters = new[]
        {
            P("Name", ToolValueKind.String) with { Required = true },
            P("Unit", ToolValueKind.String) with { AllowedValues = new[] { "C", "F" } },
            P("Month", ToolValueKind.Integer) with { Minimum = 1, Maximum = 12 },
            P("Ids", ToolValueKind.Array) with { ItemKind = ToolValueKind.Integer },
            P("Data", ToolValueKind.Object),
        };
        var strict = ToolSchemaBuilder.Build(parameters, strict: true);
        var read = ToolArgumentReader.Read("""{"Name":"x","Unit":null,"Month":3,"Ids":[1,2],"Data":"{\"a\":1}"}""", strict);
        Assert.Equal("x", read["Name"]);
        Assert.Null(read["Unit"]);
        Assert.Equal(3L, read["Month"]);
        Assert.Equal(new object?[] { 1L, 2L }, (object?[])read["Ids"]!);
        Assert.Equal("{\"a\":1}", read["Data"]);
        Assert.Throws<ToolArgumentException>(() => ToolArgumentReader.Read("""{"Name":"x","Unit":"K","Month":null,"Ids":null,"Data":null}""", strict));
        Assert.Throws<ToolArgumentException>(() => ToolArgumentReader.Read("""{"Name":"x","Unit":null,"Month":13,"Ids":null,"Data":null}""", strict));

        var normal = ToolSchemaBuilder.Build(parameters, strict: false);
        var loose = ToolArgumentReader.Read("""{"Name":"x","Data":{"a":[1,"b"]}}""", normal);
        var free = (object?[])((Dictionary<string, object?>)loose["Data"]!)["a"]!;
        Assert.Equal(1d, System.Convert.ToDouble(free[0]));
        Assert.Equal("b", free[1]);
        Assert.Throws<ToolArgumentException>(() => ToolArgumentReader.Read("""{"Name":"x","Other":1}""", normal));
        Assert.Throws<ToolArgumentException>(() => ToolArgumentReader.Read("""{"Unit":"C"}""", normal));
    }

    /// <summary>The recorded strict request's tool parameters, rebuilt from a parameter spec.</summary>
    [Fact]
    public void StrictSchemaMatchesTheRecordedStrictRequest()
    {
        var recorded = RecordedParameters("StructuredOutputs(WithSchema,Strict).json", "get_favorite_color_for_day_of_week");
        var built = ToolSchemaBuilder.Build(new[] { P("the_day_of_the_week", ToolValueKind.String) with { Required = true } }, strict: true);
        Assert.True(JsonNode.DeepEquals(recorded, JsonNode.Parse(built)), $"recorded {recorded.ToJsonString()}\nbuilt    {built}");
    }

    /// <summary>
    /// The recorded non-strict request, rebuilt from a parameter spec. The module also closes the
    /// object (additionalProperties: false) so that unknown arguments are refused before a command
    /// runs; that key is the only difference.
    /// </summary>
    [Fact]
    public void SchemaMatchesTheRecordedRequestWithParameters()
    {
        var recorded = RecordedParameters("ParametersWork.json", "get_favorite_color_for_month");
        var built = JsonNode.Parse(ToolSchemaBuilder.Build(new[]
        {
            P("month_name", ToolValueKind.String) with { Required = true, Description = "the name of a calendar month, e.g. February or October." },
        }, strict: false))!.AsObject();
        Assert.False((bool)built["additionalProperties"]!);
        built.Remove("additionalProperties");
        Assert.True(JsonNode.DeepEquals(recorded, built), $"recorded {recorded.ToJsonString()}\nbuilt    {built.ToJsonString()}");
    }

    [Fact]
    public void SchemaMatchesBothRecordedToolsOfConsecutiveCalls()
    {
        var weather = RecordedParameters("ConsecutiveToolCalls.json", "get_weather_for_city");
        var built = JsonNode.Parse(ToolSchemaBuilder.Build(new[]
        {
            P("city_name", ToolValueKind.String) with { Required = true, Description = "the name of a city, e.g. Johannesburg or Ho Chi Minh City." },
        }, strict: false))!.AsObject();
        built.Remove("additionalProperties");
        Assert.True(JsonNode.DeepEquals(weather, built));
    }

    private static JsonNode RecordedParameters(string file, string toolName)
    {
        var path = Path.Combine(TestPaths.Recordings, "ChatToolTests", file);
        var entry = JsonNode.Parse(File.ReadAllText(path))!["Entries"]!.AsArray()[0]!;
        var function = entry["RequestBody"]!["tools"]!.AsArray()
            .Select(t => t!["function"]!)
            .Single(f => (string)f["name"]! == toolName);
        return function["parameters"]!;
    }

    [Theory]
    [InlineData("Get-Process", true)]
    [InlineData("get_weather", true)]
    [InlineData("a", true)]
    [InlineData("My.Cmd", false)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("Ünïcode", false)]
    public void ToolNameValidity(string? name, bool valid)
    {
        Assert.Equal(valid, ToolNameRules.IsValid(name));
        if (valid)
        {
            ToolNameRules.EnsureValid(name);
        }
        else
        {
            var error = Assert.Throws<LlmException>(() => ToolNameRules.EnsureValid(name));
            Assert.Equal("LlmInvalidToolName", error.ErrorId);
            Assert.Equal(LlmErrorKind.InvalidInput, error.Kind);
        }
    }

    [Fact]
    public void ToolNamesAreAtMost64Characters()
    {
        Assert.True(ToolNameRules.IsValid(new string('a', 64)));
        Assert.False(ToolNameRules.IsValid(new string('a', 65)));
        Assert.Equal(new string('a', 64), ToolNameRules.FromCommandName(new string('a', 80)));
    }

    [Theory]
    [InlineData("Get-Process", "Get-Process")]
    [InlineData("My.Cmd", "My_Cmd")]
    [InlineData("Microsoft.PowerShell.Utility\\Get-Date", "Get-Date")]
    [InlineData("Deploy-App.ps1", "Deploy-App")]
    [InlineData("Get Thing!", "Get_Thing_")]
    [InlineData("_private", "_private")]
    [InlineData("", "tool")]
    public void CommandNamesBecomeToolNames(string command, string tool)
    {
        Assert.Equal(tool, ToolNameRules.FromCommandName(command));
        Assert.True(ToolNameRules.IsValid(ToolNameRules.FromCommandName(command)));
    }
}
