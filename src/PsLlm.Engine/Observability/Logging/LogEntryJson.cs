using System.Text.Json.Nodes;

using PsLlm.Engine.Chat;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// The JSON shapes of the log's structured columns (messages_json, tool_calls_json, inputs_json,
/// metadata_json, tags_json), written and read here only, so the format stays in one place and is
/// readable with SQLite's json functions: messages in <see cref="ChatMessageJson"/>'s form (rows
/// written before it, in snake_case, are still read); tool calls are {id, name, arguments,
/// output?, succeeded?, executed?, duration_ms?}.
/// </summary>
internal static class LogEntryJson
{
    public static string? Messages(IReadOnlyList<ChatMessage> messages) => ChatMessageJson.WriteList(messages);

    public static IReadOnlyList<ChatMessage> ReadMessages(string? json) =>
        Parse(json) is JsonArray array
            ? array.OfType<JsonObject>().Select((node, i) => ChatMessageJson.Read(node, $"messages[{i}]")).ToArray()
            : Array.Empty<ChatMessage>();

    /// <summary>Requested calls and calls with results, in one array (results win for the same id).</summary>
    public static string? ToolCalls(IReadOnlyList<ToolCall> calls, IReadOnlyList<ToolCallResult> results)
    {
        if (results.Count > 0) return ToolCallArray(results.Select(r => (r.Call, (ToolCallResult?)r))).ToJsonString();
        return calls.Count == 0 ? null : ToolCallArray(calls.Select(c => (c, (ToolCallResult?)null))).ToJsonString();
    }

    public static (IReadOnlyList<ToolCall> Calls, IReadOnlyList<ToolCallResult> Results) ReadToolCalls(string? json)
    {
        var read = ReadCalls(Parse(json) as JsonArray);
        return (read.Select(r => r.Call).ToArray(), read.Where(r => r.Result is not null).Select(r => r.Result!).ToArray());
    }

    public static string? Strings(IReadOnlyDictionary<string, string?> values)
    {
        if (values.Count == 0) return null;
        var obj = new JsonObject();
        foreach (var pair in values) obj[pair.Key] = pair.Value;
        return obj.ToJsonString();
    }

    public static IReadOnlyDictionary<string, string?> ReadStrings(string? json)
    {
        var map = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Parse(json) is JsonObject obj)
            foreach (var pair in obj) map[pair.Key] = pair.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : pair.Value?.ToJsonString();
        return map;
    }

    public static string? Tags(IReadOnlyList<string> tags) =>
        tags.Count == 0 ? null : new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()).ToJsonString();

    public static IReadOnlyList<string> ReadTags(string? json) =>
        Parse(json) is JsonArray array ? array.Select(t => (string?)t ?? string.Empty).ToArray() : Array.Empty<string>();

    private static JsonArray ToolCallArray(IEnumerable<(ToolCall Call, ToolCallResult? Result)> calls)
    {
        var array = new JsonArray();
        foreach (var (call, result) in calls)
        {
            var item = new JsonObject { ["id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.Arguments };
            if (result is not null)
            {
                item["output"] = result.Output;
                item["succeeded"] = result.Succeeded;
                item["executed"] = result.Executed;
                item["duration_ms"] = result.Duration.TotalMilliseconds;
            }
            array.Add(item);
        }
        return array;
    }

    private static List<(ToolCall Call, ToolCallResult? Result)> ReadCalls(JsonArray? array)
    {
        var calls = new List<(ToolCall, ToolCallResult?)>();
        if (array is null) return calls;
        foreach (var node in array.OfType<JsonObject>())
        {
            var call = new ToolCall((string?)node["id"] ?? string.Empty, (string?)node["name"] ?? string.Empty, (string?)node["arguments"] ?? string.Empty);
            ToolCallResult? result = node["output"] is null ? null : new ToolCallResult
            {
                Call = call,
                Output = (string?)node["output"] ?? string.Empty,
                Succeeded = (bool?)node["succeeded"] ?? false,
                Executed = (bool?)node["executed"] ?? false,
                Duration = TimeSpan.FromMilliseconds((double?)node["duration_ms"] ?? 0),
            };
            calls.Add((call, result));
        }
        return calls;
    }

    // A column another tool wrote badly must not make the whole log unreadable.
    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try { return JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
