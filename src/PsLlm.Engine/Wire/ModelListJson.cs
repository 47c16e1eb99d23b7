using System.Globalization;
using System.Text.Json;

namespace PsLlm.Engine.Wire;

/// <summary>
/// Reads a models list as the servers write it: OpenAI's <c>{"object":"list","data":[{"id",
/// "created","owned_by"}]}</c>, and what others change on the way — Together's bare array,
/// Ollama's <c>"data": null</c> when nothing is installed, llama.cpp's extra <c>models</c> array,
/// Anthropic's pages (<c>has_more</c>, <c>last_id</c>) and ISO <c>created_at</c>, a readable name
/// (<c>display_name</c>, OpenRouter's <c>name</c>), the context window under each server's name for
/// it (OpenRouter, Groq, Mistral, vLLM, llama.cpp's <c>meta</c>). An entry without an id is
/// skipped; anything else unknown is ignored. Sources:
/// the servers' code (Ollama openai/openai.go, llama.cpp server-context.cpp, vLLM protocol.py) and
/// the vendors' API references.
/// </summary>
internal static class ModelListJson
{
    /// <summary>One page of a list: its models, and where the next page starts when there is one (Anthropic).</summary>
    public sealed record Page(IReadOnlyList<LlmModel> Models, string? NextAfterId, string? Error);

    private static readonly string[] ContextFields = ["context_length", "context_window", "max_context_length", "max_model_len", "max_input_tokens", "n_ctx_train", "n_ctx"];

    public static Page Read(BinaryData body, string endpoint)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        // LM Studio answers an unknown route with 200 and {"error": "Unexpected endpoint or method. …"}.
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && !root.TryGetProperty("data", out _))
            return new Page(Array.Empty<LlmModel>(), null, error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText());
        var entries = Entries(root);
        var models = new List<LlmModel>();
        foreach (var entry in entries)
        {
            if (entry.ValueKind != JsonValueKind.Object) continue;
            if ((Text(entry, "id") ?? Text(entry, "model") ?? Text(entry, "name")) is not { Length: > 0 } id) continue;
            models.Add(new LlmModel
            {
                Id = id,
                DisplayName = Text(entry, "display_name") ?? (Text(entry, "name") is { } name && name != id ? name : null),
                OwnedBy = Text(entry, "owned_by"),
                Created = Time(entry, "created") ?? Time(entry, "created_at"),
                ContextLength = ContextLength(entry),
                Endpoint = endpoint,
            });
        }
        var next = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True
            ? Text(root, "last_id")
            : null;
        return new Page(models, next, null);
    }

    private static IEnumerable<JsonElement> Entries(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array) return root.EnumerateArray().ToArray();
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("The answer is not a list of models.");
        if (root.TryGetProperty("data", out var data))
            return data.ValueKind switch
            {
                JsonValueKind.Array => data.EnumerateArray().ToArray(),
                JsonValueKind.Null => Array.Empty<JsonElement>(),
                _ => throw new JsonException("\"data\" is not a list of models."),
            };
        if (root.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array) return models.EnumerateArray().ToArray();
        throw new JsonException("The answer has no list of models (\"data\").");
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Seconds since 1970 (OpenAI), or an ISO 8601 time (Anthropic's created_at).</summary>
    private static DateTimeOffset? Time(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds > 0)
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        return null;
    }

    /// <summary>The context window under whichever name the server uses; llama.cpp keeps it under "meta".</summary>
    private static int? ContextLength(JsonElement entry)
    {
        foreach (var scope in new[] { entry, entry.TryGetProperty("meta", out var meta) ? meta : default })
        {
            if (scope.ValueKind != JsonValueKind.Object) continue;
            foreach (var field in ContextFields)
                if (scope.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var length) && length > 0)
                    return length;
        }
        return null;
    }
}
