using System.Globalization;
using System.Text.Json;

namespace PsLlm.Engine.Tools;

/// <summary>
/// Checks the model's JSON arguments against the tool's schema (the subset tools use: object
/// properties, required, additionalProperties, type, enum, minimum/maximum, array items) and turns
/// them into .NET values: string, long, double, bool, object?[] and Dictionary&lt;string, object?&gt;.
/// Nothing runs with arguments the schema does not allow.
/// </summary>
internal static class ToolArgumentReader
{
    public static IReadOnlyDictionary<string, object?> Read(string argumentsJson, string schemaJson)
    {
        JsonDocument arguments;
        try
        {
            arguments = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
        }
        catch (JsonException ex)
        {
            throw new ToolArgumentException($"The arguments are not valid JSON: {ex.Message}");
        }
        using (arguments)
        using (var schema = JsonDocument.Parse(string.IsNullOrWhiteSpace(schemaJson) ? "{\"type\":\"object\",\"additionalProperties\":false}" : schemaJson))
        {
            if (arguments.RootElement.ValueKind != JsonValueKind.Object)
                throw new ToolArgumentException("The arguments must be a JSON object.");
            var problems = new List<string>();
            var value = (Dictionary<string, object?>)Convert(arguments.RootElement, schema.RootElement, "arguments", problems)!;
            if (problems.Count > 0) throw new ToolArgumentException("Invalid arguments: " + string.Join("; ", problems));
            return value;
        }
    }

    private static object? Convert(JsonElement value, JsonElement schema, string path, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!AllowsType(schema, "null")) problems.Add($"{path} must not be null");
            return null;
        }
        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
            && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            problems.Add($"{path} must be one of {allowed.GetRawText()}");
            return null;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Expect(schema, "string", path, problems) ? value.GetString() : null;
            case JsonValueKind.True:
            case JsonValueKind.False:
                return Expect(schema, "boolean", path, problems) ? value.GetBoolean() : null;
            case JsonValueKind.Number:
                object number;
                if (value.TryGetInt64(out var whole) && AllowsType(schema, "integer")) number = whole;
                else if (AllowsType(schema, "number")) number = value.GetDouble();
                else
                {
                    problems.Add($"{path} must be {TypeText(schema)}, not {value.GetRawText()}");
                    return null;
                }
                var d = value.GetDouble();
                if (schema.TryGetProperty("minimum", out var min) && d < min.GetDouble()) problems.Add($"{path} must be at least {min.GetRawText()}");
                if (schema.TryGetProperty("maximum", out var max) && d > max.GetDouble()) problems.Add($"{path} must be at most {max.GetRawText()}");
                return number;
            case JsonValueKind.Array:
                if (!Expect(schema, "array", path, problems)) return null;
                var hasItems = schema.TryGetProperty("items", out var items);
                return value.EnumerateArray()
                    .Select((item, i) => hasItems ? Convert(item, items, $"{path}[{i}]", problems) : Plain(item))
                    .ToArray();
            case JsonValueKind.Object:
                if (!Expect(schema, "object", path, problems)) return null;
                return ConvertObject(value, schema, path, problems);
            default:
                problems.Add($"{path} has an unsupported value");
                return null;
        }
    }

    private static Dictionary<string, object?> ConvertObject(JsonElement value, JsonElement schema, string path, List<string> problems)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var property in value.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
                result[property.Name] = Convert(property.Value, propertySchema, $"{path}.{property.Name}", problems);
            else if (closed)
                problems.Add($"{path} has no parameter '{property.Name}'");
            else
                result[property.Name] = Plain(property.Value);
        }
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _)) problems.Add($"{path}.{name} is required");
        return result;
    }

    /// <summary>Values under a schema that says nothing about them are taken as they are.</summary>
    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.TryGetInt64(out var l) ? (object)l : value.GetDouble(),
        JsonValueKind.Array => value.EnumerateArray().Select(Plain).ToArray(),
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    private static bool Expect(JsonElement schema, string type, string path, List<string> problems)
    {
        if (AllowsType(schema, type)) return true;
        problems.Add($"{path} must be {TypeText(schema)}, not {type}");
        return false;
    }

    private static bool AllowsType(JsonElement schema, string type)
    {
        if (!schema.TryGetProperty("type", out var declared)) return type != "null";
        if (declared.ValueKind == JsonValueKind.String)
            return declared.GetString() == type || (type == "integer" && declared.GetString() == "number");
        return declared.ValueKind == JsonValueKind.Array
            && declared.EnumerateArray().Any(t => t.GetString() == type || (type == "integer" && t.GetString() == "number"));
    }

    private static string TypeText(JsonElement schema) =>
        schema.TryGetProperty("type", out var t) ? t.ToString() : "a value";
}
