using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.Engine.Batches;

/// <summary>
/// The Batch API's JSON: a batch object read into an <see cref="LlmBatch"/> (times as Unix seconds,
/// counts under request_counts, validation errors under errors.data), the lines of a requests file
/// written, and the lines of an answers or errors file read.
/// </summary>
internal static class BatchJson
{
    public static LlmBatch ReadBatch(JsonObject batch, LlmClient client)
    {
        var counts = batch["request_counts"] as JsonObject;
        return new LlmBatch
        {
            Id = Text(batch["id"]) ?? string.Empty,
            Status = Text(batch["status"]) ?? string.Empty,
            Total = Number(counts?["total"]),
            Completed = Number(counts?["completed"]),
            Failed = Number(counts?["failed"]),
            CompletionWindow = Text(batch["completion_window"]) ?? string.Empty,
            CreatedAt = Time(batch["created_at"]),
            CompletedAt = Time(batch["completed_at"]),
            ExpiresAt = Time(batch["expires_at"]),
            InputFileId = Text(batch["input_file_id"]),
            OutputFileId = Text(batch["output_file_id"]),
            ErrorFileId = Text(batch["error_file_id"]),
            Errors = (batch["errors"]?["data"] as JsonArray)?.Select(e => $"{Text(e?["code"])}: {Text(e?["message"])}{(e?["line"] is { } line ? $" (line {line})" : string.Empty)}").ToArray() ?? Array.Empty<string>(),
            Metadata = batch["metadata"] is JsonObject metadata
                ? metadata.ToDictionary(m => m.Key, m => Text(m.Value) ?? string.Empty, StringComparer.Ordinal)
                : new Dictionary<string, string>(),
            Client = client,
        };
    }

    /// <summary>One line of a requests file: the item's id, the chat path and the body a chat would send.</summary>
    public static string RequestLine(string customId, string chatPath, BinaryData body) =>
        new JsonObject { ["custom_id"] = customId, ["method"] = "POST", ["url"] = chatPath, ["body"] = JsonNode.Parse(body.ToMemory().Span) }.ToJsonString();

    /// <summary>The JSON objects of a JSON Lines file, blank lines skipped.</summary>
    public static IEnumerable<JsonObject> Lines(string jsonl)
    {
        foreach (var line in jsonl.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException invalid)
            {
                throw new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidResponse", $"A line of the batch's file is not JSON: {invalid.Message}", invalid);
            }
            if (node is JsonObject item) yield return item;
        }
    }

    public static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? (string?)value : node is JsonValue other ? other.ToString() : null;

    private static int Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : 0;

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var seconds) && seconds > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
