using System.Collections;
using System.Text;
using System.Text.Json;

namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// Message content in the shape of the conventions' input/output messages JSON schemas
/// (gen-ai-input-messages.json, gen-ai-output-messages.json of semantic conventions 1.41.1):
/// <c>[{"role":…,"parts":[{"type":"text","content":…}|{"type":"tool_call",…}|{"type":"tool_call_response",…}]}]</c>.
/// Serialized to a JSON string, as the conventions say to do while span attributes cannot be
/// structured. Only called when content capture was opted into.
/// </summary>
internal static class GenAiMessageJson
{
    public static string Input(IEnumerable<ChatMessage> messages) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var message in messages) WriteMessage(writer, message);
        writer.WriteEndArray();
    });

    /// <summary>One assistant message: the answer's text, with the finish reason in the schema's words.</summary>
    public static string Output(string text, string finishReason) => Write(writer =>
    {
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        writer.WriteStartArray("parts");
        if (text.Length > 0) WriteText(writer, text);
        writer.WriteEndArray();
        writer.WriteString("finish_reason", FinishReason(finishReason));
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    /// <summary>A chain's inputs as messages: system, history, then the prompt (or the chain's input as text).</summary>
    public static string ChainInput(IReadOnlyDictionary<string, object?> inputs)
    {
        var messages = new List<ChatMessage>();
        if (inputs.TryGetValue("system", out var system) && system is not null) messages.Add(new ChatMessage("system", Text(system)));
        if (inputs.TryGetValue("history", out var history) && history is IEnumerable<ChatMessage> earlier) messages.AddRange(earlier);
        foreach (var key in new[] { "prompt", "input" })
            if (inputs.TryGetValue(key, out var value) && value is not null) messages.Add(new ChatMessage("user", Text(value)));
        return Input(messages);
    }

    /// <summary>A chain's output: an Invoke-LlmChat chain ends with its ChatResponse, Invoke-LlmChain with the block's output.</summary>
    public static string ChainOutput(object? outputs) => outputs is ChatResponse response
        ? Output(response.Text, response.FinishReason)
        : Output(Text(outputs), "stop");

    /// <summary>
    /// A text file as the text the model got; an image as the schema's "uri" part, or a "blob" part
    /// holding the base64 data of an image sent embedded.
    /// </summary>
    private static void WriteAttachment(Utf8JsonWriter writer, ChatAttachment attachment)
    {
        if (attachment.Kind == ChatAttachmentKind.Text)
        {
            WriteText(writer, Chat.AttachmentText.Of(attachment));
            return;
        }
        var url = attachment.Url ?? string.Empty;
        writer.WriteStartObject();
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && comma > 0)
        {
            writer.WriteString("type", "blob");
            writer.WriteString("modality", "image");
            writer.WriteString("mime_type", attachment.MediaType);
            writer.WriteString("content", url[(comma + 1)..]);
        }
        else
        {
            writer.WriteString("type", "uri");
            writer.WriteString("modality", "image");
            if (attachment.MediaType is { Length: > 0 } type && type != "image/*") writer.WriteString("mime_type", type);
            writer.WriteString("uri", url);
        }
        writer.WriteEndObject();
    }

    // The schema's FinishReason: stop, length, content_filter, tool_call, error.
    private static string FinishReason(string reason) => reason switch
    {
        "tool_calls" or "function_call" => "tool_call",
        "" => "stop",
        _ => reason,
    };

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role);
        writer.WriteStartArray("parts");
        if (message.Role == "tool")
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call_response");
            if (message.ToolCallId is not null) writer.WriteString("id", message.ToolCallId);
            writer.WriteString("response", message.Content);
            writer.WriteEndObject();
        }
        else
        {
            foreach (var part in message.Parts)
                if (part.Length > 0) WriteText(writer, part);
            foreach (var attachment in message.Attachments) WriteAttachment(writer, attachment);
            foreach (var call in message.ToolCalls)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "tool_call");
                writer.WriteString("id", call.Id);
                writer.WriteString("name", call.Name);
                writer.WritePropertyName("arguments");
                WriteJsonOrString(writer, call.Arguments);
                writer.WriteEndObject();
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }

    /// <summary>Tool arguments are JSON text; the schema wants the object, and the raw text when it is not JSON.</summary>
    private static void WriteJsonOrString(Utf8JsonWriter writer, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        ChatResponse r => r.Text,
        IEnumerable items => string.Join("\n", items.Cast<object?>().Select(i => i?.ToString())),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
