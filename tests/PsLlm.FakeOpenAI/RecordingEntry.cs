using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>One recorded request/response exchange.</summary>
public sealed class RecordingEntry
{
    internal RecordingEntry(Recording recording, int index, JsonObject entry)
    {
        Recording = recording;
        Index = index;
        RequestUri = entry["RequestUri"]?.GetValue<string>() ?? "";
        RequestMethod = entry["RequestMethod"]?.GetValue<string>() ?? "POST";
        RequestHeaders = ToHeaderMap(entry["RequestHeaders"]);
        RequestBody = entry["RequestBody"];
        StatusCode = entry["StatusCode"]?.GetValue<int>() ?? 200;
        ResponseHeaders = ToHeaderMap(entry["ResponseHeaders"]);
        ResponseBody = entry["ResponseBody"];
        SseFrames = ResponseBody is JsonArray frames
            ? frames.Select(f => f?.GetValue<string>() ?? "").ToArray()
            : [];
    }

    public Recording Recording { get; }

    /// <summary>Position within <see cref="Recording.Entries"/>.</summary>
    public int Index { get; }

    public string RequestUri { get; }

    public string RequestMethod { get; }

    /// <summary>Case-insensitive; values are strings or, for repeated headers, arrays.</summary>
    public IReadOnlyDictionary<string, JsonNode?> RequestHeaders { get; }

    public JsonNode? RequestBody { get; }

    public int StatusCode { get; }

    /// <summary>Case-insensitive; values are strings or, for repeated headers such as Set-Cookie, arrays.</summary>
    public IReadOnlyDictionary<string, JsonNode?> ResponseHeaders { get; }

    public JsonNode? ResponseBody { get; }

    /// <summary>True when <see cref="ResponseBody"/> is an array of SSE frame strings.</summary>
    public bool IsStreaming => ResponseBody is JsonArray;

    /// <summary>The recorded frames, each already shaped as <c>data: ...\n\n</c>; empty for non-streamed entries.</summary>
    public IReadOnlyList<string> SseFrames { get; }

    public override string ToString() => $"{Recording.Key}#{Index}";

    private static Dictionary<string, JsonNode?> ToHeaderMap(JsonNode? node)
    {
        var map = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        if (node is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                map[name] = value;
            }
        }

        return map;
    }
}
