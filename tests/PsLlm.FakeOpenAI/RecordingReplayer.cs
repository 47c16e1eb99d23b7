using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace PsLlm.FakeOpenAI;

/// <summary>Sends a recorded response back as it was captured from the real service.</summary>
internal static class RecordingReplayer
{
    // Hop-by-hop, framing and CDN headers describe the original connection, not the content; Kestrel owns them.
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection", "Keep-Alive",
        "Upgrade", "Trailer", "Set-Cookie", "Date", "Alt-Svc", "Server", "Strict-Transport-Security",
    };

    public static async Task WriteAsync(HttpContext context, RecordingEntry entry, CancellationToken cancellationToken)
    {
        var response = context.Response;
        foreach (var (name, value) in entry.ResponseHeaders)
        {
            if (SkippedHeaders.Contains(name) || name.StartsWith("CF-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            response.Headers[name] = ToHeaderValue(value);
        }

        var recordedType = entry.ResponseHeaders.TryGetValue("Content-Type", out var type) ? ToHeaderValue(type).ToString() : "";
        if (entry.IsStreaming)
        {
            var sse = new SseWriter(context);
            var contentType = recordedType.Length > 0 ? recordedType : "text/event-stream; charset=utf-8";
            await sse.StartAsync(entry.StatusCode, contentType, cancellationToken);
            foreach (var frame in entry.SseFrames)
            {
                await sse.WriteFrameAsync(frame, cancellationToken);
            }
        }
        else
        {
            var contentType = recordedType.Length > 0 ? recordedType : "application/json";
            await response.WriteJsonAsync(entry.StatusCode, entry.ResponseBody, cancellationToken, contentType);
        }
    }

    private static StringValues ToHeaderValue(JsonNode? value) => value switch
    {
        null => StringValues.Empty,
        JsonArray values => new StringValues(values.Select(v => v is null ? "" : ScalarText(v)).ToArray()),
        _ => ScalarText(value),
    };

    private static string ScalarText(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
}
