namespace PsLlm.Engine;

/// <summary>What shape the answer must take: free text, any JSON object, or JSON matching a schema.</summary>
public sealed class ResponseFormatSpec
{
    private ResponseFormatSpec(string kind) => Kind = kind;

    /// <summary>text, json_object or json_schema, as on the wire.</summary>
    public string Kind { get; }
    public string? SchemaName { get; private init; }
    /// <summary>The JSON schema as JSON text.</summary>
    public string? Schema { get; private init; }
    public string? Description { get; private init; }
    public bool? Strict { get; private init; }

    public static ResponseFormatSpec JsonObject { get; } = new("json_object");

    public static ResponseFormatSpec JsonSchema(string name, string schema, string? description = null, bool? strict = true) =>
        new("json_schema") { SchemaName = name, Schema = schema, Description = description, Strict = strict };
}
