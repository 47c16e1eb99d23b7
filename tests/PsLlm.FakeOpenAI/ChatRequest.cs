using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>The parts of a chat-completions request body that shape a generated reply.</summary>
internal sealed class ChatRequest
{
    private ChatRequest(JsonObject body)
    {
        Model = body["model"] is JsonValue model && model.GetValueKind() == JsonValueKind.String ? model.GetValue<string>() : null;
        Stream = IsTrue(body["stream"]);
        HasStreamOptions = body.TryGetPropertyValue("stream_options", out var options) && options is not null;
        IncludeUsage = options is JsonObject o && IsTrue(o["include_usage"]);

        var messages = body["messages"] as JsonArray ?? [];
        var promptChars = 0;
        foreach (var message in messages.OfType<JsonObject>())
        {
            var text = ContentText(message["content"]);
            promptChars += text.Length;
            if (message["role"] is JsonValue role && role.GetValueKind() == JsonValueKind.String && role.GetValue<string>() == "user")
            {
                LastUserText = text;
            }
        }

        PromptChars = promptChars;
        if (body["response_format"] is JsonObject format && format["type"] is JsonValue kind && kind.GetValueKind() == JsonValueKind.String)
        {
            JsonMode = kind.GetValue<string>() is "json_object" or "json_schema";
            ResponseSchema = format["json_schema"]?["schema"];
        }
    }

    /// <summary>The request asked for JSON (json_object or json_schema).</summary>
    public bool JsonMode { get; }

    /// <summary>The schema of a json_schema request; null otherwise.</summary>
    public JsonNode? ResponseSchema { get; }

    public string? Model { get; }

    public bool Stream { get; }

    public bool HasStreamOptions { get; }

    public bool IncludeUsage { get; }

    public string LastUserText { get; } = "";

    public int PromptChars { get; }

    /// <summary>A rough stand-in for tokenization: a quarter of the message characters, at least 1.</summary>
    public int EstimatedPromptTokens => Math.Max(1, (PromptChars + 3) / 4);

    public static ChatRequest From(JsonObject body) => new(body);

    /// <summary>Content may be a plain string or an array of parts; only text parts count.</summary>
    private static string ContentText(JsonNode? content)
    {
        switch (content)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>();
            case JsonArray parts:
                var builder = new StringBuilder();
                foreach (var part in parts.OfType<JsonObject>())
                {
                    if (part["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String)
                    {
                        if (builder.Length > 0)
                        {
                            builder.Append('\n');
                        }

                        builder.Append(text.GetValue<string>());
                    }
                }

                return builder.ToString();
            default:
                return "";
        }
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
