using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.Engine.Tools;

/// <summary>
/// The JSON schema of a tool's arguments object, from its parameters:
/// <c>{"type":"object","properties":{…},"required":[…],"additionalProperties":false}</c>.
/// The object is always closed, so arguments the command does not take are refused before
/// anything runs. Strict mode follows OpenAI's structured-outputs rules: every property is
/// listed in "required", optional ones accept null instead, and a free-form object (a hashtable)
/// travels as JSON text, since strict mode cannot express an object without fixed properties.
/// </summary>
internal static class ToolSchemaBuilder
{
    /// <summary>Added to the description of hashtable parameters in strict mode.</summary>
    public const string JsonObjectNote = "A JSON object, written as a string.";
    /// <summary>Added to the description of hashtable-array parameters in strict mode.</summary>
    public const string JsonObjectItemsNote = "Each item is a JSON object, written as a string.";

    // The schema goes into an HTTP body, not HTML: keep quotes, apostrophes and non-ASCII readable.
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Build(IEnumerable<ToolParameterSpec> parameters, bool strict)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var parameter in parameters)
        {
            if (properties.ContainsKey(parameter.Name))
                throw new ArgumentException($"The parameter '{parameter.Name}' is given twice.", nameof(parameters));
            properties[parameter.Name] = Property(parameter, strict);
            if (parameter.Required || strict) required.Add(parameter.Name);
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        // Strict mode wants "required" even when empty; elsewhere an empty list says nothing.
        if (required.Count > 0 || strict) schema["required"] = required;
        schema["additionalProperties"] = false;
        return schema.ToJsonString(Output);
    }

    private static JsonObject Property(ToolParameterSpec parameter, bool strict)
    {
        var nullable = strict && !parameter.Required;
        var property = new JsonObject { ["type"] = TypeOf(parameter.Kind, strict, nullable) };
        var description = Describe(parameter, strict);
        if (description is not null) property["description"] = description;

        if (parameter.Kind == ToolValueKind.Array)
        {
            var items = new JsonObject { ["type"] = TypeOf(parameter.ItemKind == ToolValueKind.Array ? ToolValueKind.String : parameter.ItemKind, strict, nullable: false) };
            AddConstraints(items, parameter, nullable: false);
            property["items"] = items;
        }
        else
        {
            AddConstraints(property, parameter, nullable);
        }
        return property;
    }

    private static string? Describe(ToolParameterSpec parameter, bool strict)
    {
        var description = string.IsNullOrWhiteSpace(parameter.Description) ? null : parameter.Description.Trim();
        var note = !strict ? null
            : parameter.Kind == ToolValueKind.Object ? JsonObjectNote
            : parameter.Kind == ToolValueKind.Array && parameter.ItemKind == ToolValueKind.Object ? JsonObjectItemsNote
            : null;
        if (note is null) return description;
        return description is null ? note : $"{description} {note}";
    }

    /// <summary>enum, minimum and maximum, where they mean something for the value's type.</summary>
    private static void AddConstraints(JsonObject target, ToolParameterSpec parameter, bool nullable)
    {
        var kind = parameter.Kind == ToolValueKind.Array ? parameter.ItemKind : parameter.Kind;
        if (parameter.AllowedValues.Count > 0 && kind == ToolValueKind.String)
        {
            var allowed = new JsonArray();
            foreach (var value in parameter.AllowedValues) allowed.Add(value);
            // A nullable enum must list null itself, or null would not validate against it.
            if (nullable) allowed.Add(null);
            target["enum"] = allowed;
        }
        if (kind is ToolValueKind.Integer or ToolValueKind.Number)
        {
            if (Bound(parameter.Minimum, kind) is { } minimum) target["minimum"] = minimum;
            if (Bound(parameter.Maximum, kind) is { } maximum) target["maximum"] = maximum;
        }
    }

    private static JsonNode? Bound(double? value, ToolValueKind kind)
    {
        if (value is not { } v || double.IsNaN(v) || double.IsInfinity(v)) return null;
        // Whole bounds of integers are written as integers: 1, not 1.0.
        if (kind == ToolValueKind.Integer && v == Math.Floor(v) && Math.Abs(v) < 9.0e15) return JsonValue.Create((long)v);
        return JsonValue.Create(v);
    }

    private static JsonNode TypeOf(ToolValueKind kind, bool strict, bool nullable)
    {
        var name = kind switch
        {
            ToolValueKind.String => "string",
            ToolValueKind.Integer => "integer",
            ToolValueKind.Number => "number",
            ToolValueKind.Boolean => "boolean",
            ToolValueKind.Array => "array",
            ToolValueKind.Object => strict ? "string" : "object",
            _ => "string",
        };
        return nullable ? new JsonArray(name, "null") : JsonValue.Create(name);
    }
}
