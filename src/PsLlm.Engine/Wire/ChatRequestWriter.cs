using System.Buffers;
using System.Text.Json;
using PsLlm.Engine.Chat;

namespace PsLlm.Engine.Wire;

/// <summary>
/// Writes the body of a chat-completions request. PsLlm writes it itself rather than through the
/// SDK's typed options so that what a server attached to an assistant message or a tool call
/// (Gemini's thought signatures) goes back verbatim, and so that stream_options is left out for
/// servers that refuse it. Unset parameters are not sent; the fields are the ones the OpenAI SDK
/// sends (max_completion_tokens, stream_options.include_usage).
/// </summary>
internal static class ChatRequestWriter
{
    public static BinaryData Write(ChatRequest request, string model, IReadOnlyList<ChatMessage> messages, bool streamUsage)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("messages");
            json.WriteStartArray();
            foreach (var message in messages) WriteMessage(json, message);
            json.WriteEndArray();
            json.WriteString("model", model);
            if (request.Temperature is { } temperature) json.WriteNumber("temperature", temperature);
            if (request.TopP is { } topP) json.WriteNumber("top_p", topP);
            if (request.MaxTokens is { } maxTokens) json.WriteNumber("max_completion_tokens", maxTokens);
            if (request.Stop.Count > 0)
            {
                json.WritePropertyName("stop");
                json.WriteStartArray();
                foreach (var stop in request.Stop) json.WriteStringValue(stop);
                json.WriteEndArray();
            }
            if (request.Seed is { } seed) json.WriteNumber("seed", seed);
            if (request.ReasoningEffort is { Length: > 0 } effort) json.WriteString("reasoning_effort", effort.ToLowerInvariant());
            WriteTools(json, request);
            WriteResponseFormat(json, request.ResponseFormat);
            if (request.Stream)
            {
                json.WriteBoolean("stream", true);
                if (streamUsage)
                {
                    json.WritePropertyName("stream_options");
                    json.WriteStartObject();
                    json.WriteBoolean("include_usage", true);
                    json.WriteEndObject();
                }
            }
            json.WriteEndObject();
        }
        return new BinaryData(buffer.WrittenMemory);
    }

    private static void WriteTextPart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", "text");
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, ChatMessage message)
    {
        json.WriteStartObject();
        json.WriteString("role", message.Role);
        if (message.Role == "tool")
        {
            json.WriteString("tool_call_id", message.ToolCallId ?? string.Empty);
            json.WriteString("content", message.Content);
        }
        else if (message.IsMultipart || message.Attachments.Count > 0)
        {
            json.WritePropertyName("content");
            json.WriteStartArray();
            foreach (var part in message.Parts)
            {
                if (part.Length == 0 && message.Attachments.Count > 0) continue;
                WriteTextPart(json, part);
            }
            foreach (var attachment in message.Attachments)
            {
                if (attachment.Kind == ChatAttachmentKind.Text)
                {
                    WriteTextPart(json, AttachmentText.Of(attachment));
                    continue;
                }
                json.WriteStartObject();
                json.WriteString("type", "image_url");
                json.WritePropertyName("image_url");
                json.WriteStartObject();
                json.WriteString("url", attachment.Url);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        else if (message.ToolCalls.Count == 0 || message.Content.Length > 0)
        {
            json.WriteString("content", message.Content);
        }

        if (message.ToolCalls.Count > 0)
        {
            json.WritePropertyName("tool_calls");
            json.WriteStartArray();
            foreach (var call in message.ToolCalls)
            {
                json.WriteStartObject();
                json.WriteString("id", call.Id);
                json.WriteString("type", "function");
                json.WritePropertyName("function");
                json.WriteStartObject();
                json.WriteString("name", call.Name);
                json.WriteString("arguments", call.Arguments);
                json.WriteEndObject();
                WriteRaw(json, call.ProviderFields);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (message.Role == "assistant") WriteRaw(json, message.ProviderFields);
        json.WriteEndObject();
    }

    /// <summary>Fields kept from the server's answer, written back exactly as they came.</summary>
    private static void WriteRaw(Utf8JsonWriter json, IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (name, raw) in fields)
        {
            json.WritePropertyName(name);
            json.WriteRawValue(raw, skipInputValidation: false);
        }
    }

    private static void WriteTools(Utf8JsonWriter json, ChatRequest request)
    {
        if (request.Tools.Count == 0) return;
        json.WritePropertyName("tools");
        json.WriteStartArray();
        foreach (var tool in request.Tools)
        {
            json.WriteStartObject();
            json.WriteString("type", "function");
            json.WritePropertyName("function");
            json.WriteStartObject();
            json.WriteString("description", tool.Description);
            json.WriteString("name", tool.Name);
            // A tool without parameters sends no schema at all, as OpenAI's own examples do.
            if (!string.IsNullOrWhiteSpace(tool.ParametersSchema))
            {
                json.WritePropertyName("parameters");
                json.WriteRawValue(tool.ParametersSchema);
            }
            if (tool.Strict) json.WriteBoolean("strict", true);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();

        if (request.ToolChoice is not { Length: > 0 } choice) return;
        switch (ChatRequestValidator.ToolChoiceKeyword(choice))
        {
            case { } keyword:
                json.WriteString("tool_choice", keyword);
                break;
            default:
                json.WritePropertyName("tool_choice");
                json.WriteStartObject();
                json.WriteString("type", "function");
                json.WritePropertyName("function");
                json.WriteStartObject();
                json.WriteString("name", choice);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter json, ResponseFormatSpec? format)
    {
        if (format is null) return;
        json.WritePropertyName("response_format");
        json.WriteStartObject();
        json.WriteString("type", format.Kind);
        if (format.Kind == "json_schema")
        {
            json.WritePropertyName("json_schema");
            json.WriteStartObject();
            json.WriteString("name", format.SchemaName);
            if (format.Description is { } description) json.WriteString("description", description);
            json.WritePropertyName("schema");
            json.WriteRawValue(format.Schema!);
            if (format.Strict is { } strict) json.WriteBoolean("strict", strict);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
