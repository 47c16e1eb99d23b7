namespace PsLlm.Engine.Tests;

/// <summary>A tool backed by a C# function, recording its calls.</summary>
internal sealed class DelegateTool : LlmTool
{
    private readonly Func<IReadOnlyDictionary<string, object?>, string> _run;

    public DelegateTool(string name, string description, string schema, Func<IReadOnlyDictionary<string, object?>, string> run, bool strict = false, bool requireApproval = false)
        : base(name, description, schema, strict, requireApproval) => _run = run;

    public List<IReadOnlyDictionary<string, object?>> Calls { get; } = new();

    /// <summary>Stands for an MCP server's tool in tests of what events and handlers make of its server's name.</summary>
    public string? FromMcpServer { get; init; }

    /// <inheritdoc/>
    public override string? McpServer => FromMcpServer;

    public override string Invoke(IReadOnlyDictionary<string, object?> arguments)
    {
        Calls.Add(arguments);
        return _run(arguments);
    }

    /// <summary>The recorded tool definition (tools[i].function) as a DelegateTool.</summary>
    public static DelegateTool FromRecorded(System.Text.Json.Nodes.JsonNode function, Func<IReadOnlyDictionary<string, object?>, string> run) =>
        new((string)function["name"]!, (string)function["description"]!, function["parameters"]?.ToJsonString() ?? string.Empty, run,
            strict: (bool?)function["strict"] ?? false);
}
