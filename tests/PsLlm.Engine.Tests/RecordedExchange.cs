using System.Text;
using System.Text.Json.Nodes;
using PsLlm.Engine.Chat;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Reads one recorded entry both ways: the request as a <see cref="ChatRequest"/> the engine
/// would send for the same chat, and what the real service meant by its answer (text, finish
/// reason, usage), read straight from the recorded JSON or SSE frames.
/// </summary>
internal sealed class RecordedExchange
{
    public RecordedExchange(JsonObject entry)
    {
        Entry = entry;
        Request = entry["RequestBody"]!.AsObject();
        Status = entry["StatusCode"]!.GetValue<int>();
    }

    public JsonObject Entry { get; }
    public JsonObject Request { get; }
    public int Status { get; }
    public bool Streamed => Request["stream"]?.GetValue<bool>() == true;

    public static IReadOnlyList<RecordedExchange> Load(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["Entries"]!.AsArray().Select(e => new RecordedExchange(e!.AsObject())).ToArray();

    /// <summary>The engine request that produces this recorded body.</summary>
    public ChatRequest ToChatRequest()
    {
        var messages = Request["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
        var last = messages[^1];
        var system = messages.Count > 1 && (string)messages[0]["role"]! == "system" ? messages[0] : null;
        var history = messages.Skip(system is null ? 0 : 1).Take(messages.Count - 1 - (system is null ? 0 : 1))
            .Select(m => new PsLlm.ChatMessage((string)m["role"]!, (string)m["content"]!)).ToArray();
        ResponseFormatSpec? format = null;
        if (Request["response_format"] is JsonObject rf)
        {
            format = (string)rf["type"]! == "json_object"
                ? ResponseFormatSpec.JsonObject
                : ResponseFormatSpec.JsonSchema(
                    (string)rf["json_schema"]!["name"]!,
                    rf["json_schema"]!["schema"]!.ToJsonString(),
                    (string?)rf["json_schema"]!["description"],
                    (bool?)rf["json_schema"]!["strict"]);
        }
        return new ChatRequest
        {
            Prompt = Text(last["content"]!),
            PromptParts = Parts(last["content"]!),
            System = system is null ? null : Text(system["content"]!),
            SystemParts = system is null ? null : Parts(system["content"]!),
            History = history,
            Model = (string)Request["model"]!,
            Stream = Streamed,
            MaxTokens = (int?)Request["max_completion_tokens"],
            ReasoningEffort = (string?)Request["reasoning_effort"],
            ResponseFormat = format,
        };
    }

    /// <summary>The answer's text as the service meant it: message content, or the concatenated deltas.</summary>
    public string ExpectedText => Streamed
        ? string.Concat(Chunks().SelectMany(c => c["choices"]!.AsArray()).Select(ch => (string?)ch!["delta"]?["content"] ?? string.Empty))
        : (string?)Response["choices"]![0]!["message"]!["content"] ?? string.Empty;

    public string? ExpectedRefusal => Streamed
        ? NullIfEmpty(string.Concat(Chunks().SelectMany(c => c["choices"]!.AsArray()).Select(ch => (string?)ch!["delta"]?["refusal"] ?? string.Empty)))
        : (string?)Response["choices"]![0]!["message"]!["refusal"];

    public string ExpectedFinishReason => Streamed
        ? Chunks().SelectMany(c => c["choices"]!.AsArray()).Select(ch => (string?)ch!["finish_reason"]).Last(r => r is not null)!
        : (string)Response["choices"]![0]!["finish_reason"]!;

    public JsonObject ExpectedUsage => Streamed
        ? Chunks().Last(c => c["usage"] is JsonObject)["usage"]!.AsObject()
        : Response["usage"]!.AsObject();

    public string ExpectedId => Streamed ? (string)Chunks().First()["id"]! : (string)Response["id"]!;
    public string ExpectedModel => Streamed ? (string)Chunks().First()["model"]! : (string)Response["model"]!;

    /// <summary>Number of content deltas that carry text (each becomes one LlmNewToken).</summary>
    public int ExpectedTokenCount => Chunks().SelectMany(c => c["choices"]!.AsArray())
        .Count(ch => !string.IsNullOrEmpty((string?)ch!["delta"]?["content"]));

    private JsonObject Response => Entry["ResponseBody"]!.AsObject();

    private IEnumerable<JsonObject> Chunks()
    {
        foreach (var frame in Entry["ResponseBody"]!.AsArray())
        {
            var data = ((string)frame!).Trim();
            if (!data.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var payload = data["data: ".Length..];
            if (payload == "[DONE]") continue;
            yield return JsonNode.Parse(payload)!.AsObject();
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string Text(JsonNode content) => content is JsonArray parts
        ? string.Join("\n", parts.Select(p => (string)p!["text"]!))
        : (string)content!;

    private static IReadOnlyList<string>? Parts(JsonNode content) =>
        content is JsonArray parts ? parts.Select(p => (string)p!["text"]!).ToArray() : null;
}
