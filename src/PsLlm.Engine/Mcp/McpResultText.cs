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
    public static string Of(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content ?? [])
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock i => $"[image: {i.MimeType}, {Base64Bytes(i.Data.Length)} bytes]",
                AudioContentBlock a => $"[audio: {a.MimeType}, {Base64Bytes(a.Data.Length)} bytes]",
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

    private static long Base64Bytes(int base64Length) => base64Length * 3L / 4;
}
