namespace PsLlm.Engine;

/// <summary>What shape the answer must take: free text, any JSON object, or JSON matching a schema.</summary>
public sealed class ResponseFormatSpec
{
    private ResponseFormatSpec(string kind) => Kind = kind;

    /// <summary>text, json_object or json_schema, as on the wire.</summary>
    public string Kind { get; }
    /// <summary>The schema's name as the model sees it.</summary>
    public string? SchemaName { get; private init; }
    /// <summary>The JSON schema as JSON text.</summary>
    public string? Schema { get; private init; }
    /// <summary>What the answer is, for the model; null for none.</summary>
    public string? Description { get; private init; }
    /// <summary>Ask for strict schema adherence (OpenAI's strict mode); null leaves it to the server.</summary>
    public bool? Strict { get; private init; }

    /// <summary>JSON mode: any JSON object.</summary>
    public static ResponseFormatSpec JsonObject { get; } = new("json_object");

    /// <summary>Structured output: JSON matching <paramref name="schema"/> (JSON text), named <paramref name="name"/>.</summary>
    public static ResponseFormatSpec JsonSchema(string name, string schema, string? description = null, bool? strict = true) =>
        new("json_schema") { SchemaName = name, Schema = schema, Description = description, Strict = strict };
}
