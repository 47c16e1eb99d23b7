using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.Engine.Transport;

/// <summary>
/// HTTP exchanges in the OpenAI .NET SDK's session record format (its tests' SessionRecords, and
/// tests/recordings here): <c>{"Entries": [ ... ]}</c>, one entry per request with RequestUri,
/// RequestMethod, RequestHeaders, RequestBody (a JSON object), StatusCode, ResponseHeaders and
/// ResponseBody (a JSON object, or for a stream the list of its event frames). New-LlmClient
/// -RecordPath writes it, with secrets sanitized; New-LlmFakeClient -ReplayPath reads it, including
/// the files the SDK's own test suite recorded.
/// </summary>
internal static class SessionRecordFile
{
    /// <summary>What stands in for a secret header value, as the SDK's recorder writes it.</summary>
    public const string Sanitized = "Sanitized";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The exchanges in <paramref name="path"/>, in order; LlmReplayFileInvalid when it cannot be read.</summary>
    public static IReadOnlyList<RecordedCall> Read(string path)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw Invalid(path, e is JsonException ? "it is not JSON" : e.Message, e);
        }
        if (document?["Entries"] is not JsonArray entries) throw Invalid(path, "it has no \"Entries\" list", null);
        var calls = new List<RecordedCall>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not JsonObject entry
                || entry["RequestMethod"]?.GetValueKind() != JsonValueKind.String
                || entry["RequestUri"]?.GetValueKind() != JsonValueKind.String
                || entry["StatusCode"]?.GetValueKind() != JsonValueKind.Number)
                throw Invalid(path, $"entry {i} lacks RequestMethod, RequestUri or StatusCode", null);
            var streamed = entry["ResponseBody"] is JsonArray;
            var body = entry["ResponseBody"] switch
            {
                JsonArray frames => string.Concat(frames.Select(f => f?.GetValueKind() == JsonValueKind.String ? (string)f! : f?.ToJsonString() ?? string.Empty)),
                JsonValue text when text.GetValueKind() == JsonValueKind.String => (string)text!,
                null => string.Empty,
                var json => json.ToJsonString(),
            };
            calls.Add(new RecordedCall(
                (string)entry["RequestMethod"]!,
                new Uri((string)entry["RequestUri"]!),
                (int)entry["StatusCode"]!,
                Headers(entry["ResponseHeaders"]),
                body,
                streamed));
        }
        return calls;
    }

    /// <summary>Adds one exchange at the end of <paramref name="path"/> (made when missing), rewriting the file whole.</summary>
    public static void Append(string path, JsonObject entry)
    {
        var document = File.Exists(path) && new FileInfo(path).Length > 0 ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;
        document ??= new JsonObject();
        if (document["Entries"] is not JsonArray entries)
        {
            entries = new JsonArray();
            document["Entries"] = entries;
            document["Variables"] = new JsonObject();
        }
        entries.Add(entry);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, document.ToJsonString(Indented), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>An entry as the SDK's recorder writes it.</summary>
    public static JsonObject Entry(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> requestHeaders, string? requestBody,
        int status, IEnumerable<KeyValuePair<string, string>> responseHeaders, string responseBody, bool streamed) => new()
    {
        ["RequestUri"] = uri.ToString(),
        ["RequestMethod"] = method,
        ["RequestHeaders"] = HeaderObject(requestHeaders),
        ["RequestBody"] = JsonOrText(requestBody),
        ["StatusCode"] = status,
        ["ResponseHeaders"] = HeaderObject(responseHeaders),
        ["ResponseBody"] = streamed ? new JsonArray(Frames(responseBody).Select(f => (JsonNode)JsonValue.Create(f)).ToArray()) : JsonOrText(responseBody),
    };

    /// <summary>An event stream's frames, each with the blank line that ends it.</summary>
    private static IEnumerable<string> Frames(string stream)
    {
        var start = 0;
        while (start < stream.Length)
        {
            var end = stream.IndexOf("\n\n", start, StringComparison.Ordinal);
            if (end < 0)
            {
                yield return stream[start..];
                yield break;
            }
            yield return stream[start..(end + 2)];
            start = end + 2;
        }
    }

    private static JsonNode? JsonOrText(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static JsonObject HeaderObject(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var result = new JsonObject();
        foreach (var (name, value) in headers) result[name] = value;
        return result;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Headers(JsonNode? node) =>
        node is JsonObject headers
            ? headers.Select(h => KeyValuePair.Create(h.Key, h.Value is JsonArray many ? string.Join(", ", many.Select(v => v?.ToString())) : h.Value?.ToString() ?? string.Empty)).ToArray()
            : Array.Empty<KeyValuePair<string, string>>();

    private static LlmException Invalid(string path, string why, Exception? inner) =>
        new(LlmErrorKind.InvalidInput, "LlmReplayFileInvalid", $"The recording '{path}' cannot be replayed: {why}.", inner)
        {
            ParameterName = "ReplayPath",
            RecommendedAction = "Give a file written by New-LlmClient -RecordPath (or an OpenAI SDK session record).",
        };
}

/// <summary>One recorded exchange: the request's method and address, the answer's status, headers and body as sent.</summary>
internal sealed record RecordedCall(string Method, Uri Uri, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, bool Streamed);
