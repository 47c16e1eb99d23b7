using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace PsLlm.Engine.Mcp;

/// <summary>
/// What the model reads of a tool result: the text blocks in order; structured content when there
/// is no text; images, audio and resource links named by what they are, since a chat-completions
/// tool message carries text only.
/// </summary>
internal static class McpResultText
{
    /// <param name="result">The server's result.</param>
    /// <param name="imagesAttached">The images are sent after the results (the line says so).</param>
    public static string Of(CallToolResult result, bool imagesAttached = false)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content ?? [])
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock i => $"[image: {i.MimeType}, {i.DecodedData.Length} bytes{(imagesAttached ? ", shown after the tool results" : string.Empty)}]",
                AudioContentBlock a => $"[audio: {a.MimeType}, {a.DecodedData.Length} bytes]",
                EmbeddedResourceBlock { Resource: TextResourceContents r } => $"[resource {r.Uri}]\n{r.Text}",
                EmbeddedResourceBlock e => $"[resource {e.Resource.Uri}: {e.Resource.MimeType}]",
                ResourceLinkBlock l => $"[resource link {l.Uri}{(l.Name is { Length: > 0 } n ? $" ({n})" : string.Empty)}]",
                var other => $"[{other.Type} content]",
            });
        }
        if (result.StructuredContent is { } structured && (text.Length == 0 || result.Content is not { Count: > 0 }))
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(JsonSerializer.Serialize(structured));
        }
        return text.ToString();
    }
}
