using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// A JSON value that fits a JSON schema: the default answer to a structured-output request, so a
/// chat with -JsonSchema (a help example, a script under test) gets JSON it can parse, as a real
/// model would give. Strings are the given text, numbers 1 (or 1.5), booleans true, arrays one
/// item; enum and const give their first value, anyOf and oneOf their first branch.
/// </summary>
internal static class SchemaSample
{
    private const int MaxDepth = 16;

    public static JsonNode? For(JsonNode? schema, string text, int depth = 0)
    {
        if (schema is not JsonObject s || depth > MaxDepth) return JsonValue.Create(text);
        if (s["enum"] is JsonArray { Count: > 0 } choices) return choices[0]?.DeepClone();
        if (s.TryGetPropertyValue("const", out var constant)) return constant?.DeepClone();
        if ((s["anyOf"] ?? s["oneOf"]) is JsonArray { Count: > 0 } branches)
            return For(branches.FirstOrDefault(b => TypeOf(b as JsonObject) != "null") ?? branches[0], text, depth + 1);
        switch (TypeOf(s))
        {
            case "object":
                var result = new JsonObject();
                if (s["properties"] is JsonObject properties)
                    foreach (var (name, property) in properties) result[name] = For(property, text, depth + 1);
                return result;
            case "array":
                return new JsonArray(For(s["items"], text, depth + 1));
            case "integer":
                return JsonValue.Create(1);
            case "number":
                return JsonValue.Create(1.5);
            case "boolean":
                return JsonValue.Create(true);
            case "null":
                return null;
            default:
                return JsonValue.Create(text);
        }
    }

    private static string? TypeOf(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray types => types.OfType<JsonValue>().Select(t => t.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => schema?["properties"] is not null ? "object" : null,
    };
}
