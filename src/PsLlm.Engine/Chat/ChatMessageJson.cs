using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.Engine.Chat;

/// <summary>
/// The one JSON form of a chat message, used by session files, JSONL event lines and the SQLite
/// log alike — the form session files have always had:
/// <code>
/// { "role": "tool", "toolCallId": "…", "name": "…", "content": "…" }
/// { "role": "user", "content": ["part one", "part two"] }
/// { "role": "assistant", "content": "", "toolCalls": [ { "id": "…", "name": "…", "arguments": "{…}",
///   "providerFields": { … } } ], "providerFields": { … } }
/// </code>
/// "content" is a list for a message sent as several text parts; "toolCalls" only on an assistant
/// message that called tools; "toolCallId" and "name" only on a tool result; "providerFields" only
/// where a server attached fields to send back; "attachments" only on a prompt that had some:
/// <code>
/// "attachments": [ { "kind": "image", "name": "chart.png", "mediaType": "image/png", "length": 48213, "url": "data:image/png;base64,…" },
///                  { "kind": "text", "name": "notes.md", "mediaType": "text/markdown", "length": 812, "text": "…" } ]
/// </code>
/// Session files keep an embedded image's data URI, so the conversation can go on anywhere; event
/// lines and the log leave it out (an image URL stays). Without content (JSONL's -ExcludeContent),
/// texts are replaced by their lengths: contentLength, partLengths, argumentsLength, textLength.
/// Reading also accepts what the JSONL lines and log rows of earlier versions held ("parts",
/// snake_case names).
/// </summary>
internal static class ChatMessageJson
{
    /// <param name="w">Where the message goes.</param>
    /// <param name="message">The message.</param>
    /// <param name="excludeContent">Texts as their lengths (JSONL's -ExcludeContent).</param>
    /// <param name="embedImages">Keep embedded images' data URIs (session files); otherwise only their name, type and size.</param>
    public static void Write(Utf8JsonWriter w, ChatMessage message, bool excludeContent = false, bool embedImages = false)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role);
        if (message.ToolCallId is { } id) w.WriteString("toolCallId", id);
        if (message.Name is { } name) w.WriteString("name", name);
        if (message.IsMultipart)
        {
            w.WriteStartArray(excludeContent ? "partLengths" : "content");
            foreach (var part in message.Parts)
            {
                if (excludeContent) w.WriteNumberValue(part.Length);
                else w.WriteStringValue(part);
            }
            w.WriteEndArray();
        }
        else
        {
            Text(w, "content", message.Content, excludeContent);
        }
        if (message.Attachments.Count > 0)
        {
            w.WriteStartArray("attachments");
            foreach (var attachment in message.Attachments) WriteAttachment(w, attachment, excludeContent, embedImages);
            w.WriteEndArray();
        }
        if (message.ToolCalls.Count > 0)
        {
            w.WriteStartArray("toolCalls");
            foreach (var call in message.ToolCalls) WriteToolCall(w, call, excludeContent);
            w.WriteEndArray();
        }
        ProviderFields(w, message.ProviderFields);
        w.WriteEndObject();
    }

    /// <summary>A list of messages as a JSON array text (null for none).</summary>
    public static string? WriteList(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0) return null;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var message in messages) Write(w, message);
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteAttachment(Utf8JsonWriter w, ChatAttachment attachment, bool excludeContent, bool embedImages)
    {
        w.WriteStartObject();
        w.WriteString("kind", attachment.Kind == ChatAttachmentKind.Image ? "image" : "text");
        w.WriteString("name", attachment.Name);
        w.WriteString("mediaType", attachment.MediaType);
        w.WriteNumber("length", attachment.Length);
        if (attachment.Url is { } url && (embedImages || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)))
            w.WriteString("url", url);
        if (attachment.Text is { } text) Text(w, "text", text, excludeContent);
        w.WriteEndObject();
    }

    private static void WriteToolCall(Utf8JsonWriter w, ToolCall call, bool excludeContent)
    {
        w.WriteStartObject();
        w.WriteString("id", call.Id);
        w.WriteString("name", call.Name);
        Text(w, "arguments", call.Arguments, excludeContent);
        ProviderFields(w, call.ProviderFields);
        w.WriteEndObject();
    }

    private static void ProviderFields(Utf8JsonWriter w, IReadOnlyDictionary<string, string> fields)
    {
        if (fields.Count == 0) return;
        w.WriteStartObject("providerFields");
        foreach (var (name, raw) in fields)
        {
            w.WritePropertyName(name);
            w.WriteRawValue(raw);
        }
        w.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter w, string name, string text, bool excludeContent)
    {
        if (excludeContent) w.WriteNumber(name + "Length", text.Length);
        else w.WriteString(name, text);
    }

    /// <summary>
    /// Reads a message. With <paramref name="invalid"/> every problem throws what it makes of it
    /// ("messages[3].role is missing"); without, a message is read as far as it goes (the log must
    /// stay readable whatever one row holds).
    /// </summary>
    public static ChatMessage Read(JsonObject item, string where, Func<string, Exception>? invalid = null)
    {
        var role = String(item, "role", where, invalid, required: true) ?? string.Empty;
        var calls = ReadToolCalls(item["toolCalls"] ?? item["tool_calls"], role, where, invalid);
        var toolCallId = String(item, item.ContainsKey("toolCallId") ? "toolCallId" : "tool_call_id", where, invalid, required: false);
        var name = String(item, "name", where, invalid, required: false);
        var fields = Fields(item, where, invalid);
        var attachments = ReadAttachments(item["attachments"], where, invalid);

        IReadOnlyList<string>? parts = item["parts"] is JsonArray listed ? Strings(listed, $"{where}.parts", invalid) : null;
        var text = string.Empty;
        switch (item["content"])
        {
            // Session files before the one form kept parts in "content".
            case JsonArray array:
                parts ??= Strings(array, $"{where}.content", invalid);
                break;
            // OpenAI sends null content beside tool calls; read it as empty text.
            case null when calls.Count > 0 || parts is not null || invalid is null:
                break;
            default:
                text = String(item, "content", where, invalid, required: true) ?? string.Empty;
                break;
        }
        return parts is null
            ? new ChatMessage(role, text) { ToolCalls = calls, ToolCallId = toolCallId, Name = name, ProviderFields = fields, Attachments = attachments }
            : new ChatMessage(role, parts) { ToolCalls = calls, ToolCallId = toolCallId, Name = name, ProviderFields = fields, Attachments = attachments };
    }

    private static IReadOnlyList<ChatAttachment> ReadAttachments(JsonNode? node, string where, Func<string, Exception>? invalid)
    {
        switch (node)
        {
            case null:
                return Array.Empty<ChatAttachment>();
            case JsonArray items:
                return Objects(items, $"{where}.attachments", invalid, (item, at) => new ChatAttachment
                {
                    Kind = String(item, "kind", at, invalid, required: true) switch
                    {
                        "image" => ChatAttachmentKind.Image,
                        "text" or null => ChatAttachmentKind.Text,
                        var other => invalid is not null ? throw invalid($"{at}.kind is \"{other}\", not image or text") : ChatAttachmentKind.Text,
                    },
                    Name = String(item, "name", at, invalid, required: false) ?? string.Empty,
                    MediaType = String(item, "mediaType", at, invalid, required: false) ?? string.Empty,
                    Length = item["length"] is JsonValue length && length.TryGetValue<long>(out var bytes) ? bytes : 0,
                    Url = String(item, "url", at, invalid, required: false),
                    Text = String(item, "text", at, invalid, required: false),
                });
            default:
                if (invalid is not null) throw invalid($"{where}.attachments is not an array");
                return Array.Empty<ChatAttachment>();
        }
    }

    private static IReadOnlyList<ToolCall> ReadToolCalls(JsonNode? node, string role, string where, Func<string, Exception>? invalid)
    {
        switch (node)
        {
            case null:
                return Array.Empty<ToolCall>();
            case JsonArray calls when role == "assistant" || invalid is null:
                return Objects(calls, $"{where}.toolCalls", invalid, (call, at) => new ToolCall(
                    String(call, "id", at, invalid, required: true) ?? string.Empty,
                    String(call, "name", at, invalid, required: true) ?? string.Empty,
                    String(call, "arguments", at, invalid, required: true) ?? string.Empty)
                { ProviderFields = Fields(call, at, invalid) });
            case JsonArray:
                throw invalid!($"{where}.toolCalls is only allowed on assistant messages");
            default:
                if (invalid is not null) throw invalid($"{where}.toolCalls is not an array");
                return Array.Empty<ToolCall>();
        }
    }

    /// <summary>Each object of <paramref name="items"/> read by <paramref name="read"/> (given its place, for messages); anything else is invalid, or skipped when reading leniently.</summary>
    private static IReadOnlyList<T> Objects<T>(JsonArray items, string where, Func<string, Exception>? invalid, Func<JsonObject, string, T> read)
    {
        var result = new List<T>(items.Count);
        for (var n = 0; n < items.Count; n++)
        {
            var at = $"{where}[{n}]";
            if (items[n] is JsonObject item) result.Add(read(item, at));
            else if (invalid is not null) throw invalid($"{at} is not an object");
        }
        return result;
    }

    private static IReadOnlyDictionary<string, string> Fields(JsonObject item, string where, Func<string, Exception>? invalid) => item["providerFields"] switch
    {
        null => ToolCall.NoFields,
        JsonObject fields => fields.ToDictionary(f => f.Key, f => f.Value?.ToJsonString() ?? "null", StringComparer.Ordinal),
        _ when invalid is not null => throw invalid($"{where}.providerFields is not an object"),
        _ => ToolCall.NoFields,
    };

    private static string[] Strings(JsonArray array, string where, Func<string, Exception>? invalid) =>
        array.Select((p, n) => p is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : invalid is not null ? throw invalid($"{where}[{n}] is not a string") : string.Empty).ToArray();

    private static string? String(JsonObject o, string name, string where, Func<string, Exception>? invalid, bool required)
    {
        switch (o[name])
        {
            case null:
                if (required && invalid is not null) throw invalid($"\"{where}.{name}\" is missing");
                return null;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return s;
            default:
                if (invalid is not null) throw invalid($"\"{where}.{name}\" is not a string");
                return null;
        }
    }
}
