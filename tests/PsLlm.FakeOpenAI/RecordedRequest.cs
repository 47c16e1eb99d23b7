using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>One HTTP request the fake server received (admin requests excluded).</summary>
public sealed class RecordedRequest
{
    public RecordedRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        Body = body;
        Json = TryParse(body);
        Stream = Json is JsonObject obj
            && obj.TryGetPropertyValue("stream", out var stream)
            && stream is JsonValue value
            && value.GetValueKind() == JsonValueKind.True;
    }

    public string Method { get; }

    /// <summary>When the request arrived (its body read).</summary>
    public DateTimeOffset ReceivedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Request path without the query string, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Request headers, case-insensitive; repeated headers are joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The raw body text (UTF-8 decoded).</summary>
    public string Body { get; }

    /// <summary>The parsed body, or null when it is empty or not JSON.</summary>
    public JsonNode? Json { get; }

    /// <summary>True when the body has <c>"stream": true</c>.</summary>
    public bool Stream { get; }

    private static JsonNode? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
