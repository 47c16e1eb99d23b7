using Microsoft.Data.Sqlite;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Inserts finished runs, each with its tags, in one short IMMEDIATE transaction (the full-text
/// index follows by trigger). A run already in the log (same id) is kept as it is, so a write
/// repeated after a failure never duplicates it.
/// </summary>
internal static class LogEntryWriter
{
    private const string InsertRun = """
        INSERT OR IGNORE INTO runs (
            id, parent_id, kind, name, status, started_at, ended_at, duration_ms, ttft_ms,
            model, response_model, endpoint_host, prompt, messages_json, response, finish_reason,
            input_tokens, output_tokens, total_tokens, cached_input_tokens, reasoning_tokens,
            tool_calls_json, tool_call_id, inputs_json, tags_json, metadata_json,
            error, error_id, status_code, response_id)
        VALUES (
            $id, $parent_id, $kind, $name, $status, $started_at, $ended_at, $duration_ms, $ttft_ms,
            $model, $response_model, $endpoint_host, $prompt, $messages_json, $response, $finish_reason,
            $input_tokens, $output_tokens, $total_tokens, $cached_input_tokens, $reasoning_tokens,
            $tool_calls_json, $tool_call_id, $inputs_json, $tags_json, $metadata_json,
            $error, $error_id, $status_code, $response_id);
        """;

    public static void Write(SqliteConnection connection, LlmLogEntry run) => Write(connection, new[] { run });

    public static void Write(SqliteConnection connection, IReadOnlyCollection<LlmLogEntry> runs)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var run in runs)
        {
            var id = run.RunId.ToString("D");
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = InsertRun;
                var p = command.Parameters;
                p.AddWithValue("$id", id);
                p.AddWithValue("$parent_id", Db(run.ParentRunId?.ToString("D")));
                p.AddWithValue("$kind", run.Kind.ToLowerInvariant());
                p.AddWithValue("$name", run.Name);
                p.AddWithValue("$status", run.Status.ToLowerInvariant());
                p.AddWithValue("$started_at", LogTime.Write(run.StartTime));
                p.AddWithValue("$ended_at", LogTime.Write(run.EndTime ?? run.StartTime));
                p.AddWithValue("$duration_ms", Db(run.Duration?.TotalMilliseconds));
                p.AddWithValue("$ttft_ms", Db(run.TimeToFirstToken?.TotalMilliseconds));
                p.AddWithValue("$model", Db(run.Model));
                p.AddWithValue("$response_model", Db(run.ResponseModel));
                p.AddWithValue("$endpoint_host", Db(run.EndpointHost));
                p.AddWithValue("$prompt", Db(run.Prompt));
                p.AddWithValue("$messages_json", Db(LogEntryJson.Messages(run.Messages)));
                p.AddWithValue("$response", Db(run.Response));
                p.AddWithValue("$finish_reason", Db(run.FinishReason));
                p.AddWithValue("$input_tokens", Db(run.Usage?.InputTokens));
                p.AddWithValue("$output_tokens", Db(run.Usage?.OutputTokens));
                p.AddWithValue("$total_tokens", Db(run.Usage?.TotalTokens));
                p.AddWithValue("$cached_input_tokens", Db(run.Usage?.CachedInputTokens));
                p.AddWithValue("$reasoning_tokens", Db(run.Usage?.ReasoningTokens));
                p.AddWithValue("$tool_calls_json", Db(LogEntryJson.ToolCalls(run.ToolCalls, run.ToolResults)));
                p.AddWithValue("$tool_call_id", Db(run.ToolCallId));
                p.AddWithValue("$inputs_json", Db(LogEntryJson.Strings(run.Inputs)));
                p.AddWithValue("$tags_json", Db(LogEntryJson.Tags(run.Tags)));
                p.AddWithValue("$metadata_json", Db(LogEntryJson.Strings(run.Metadata)));
                p.AddWithValue("$error", Db(run.Error));
                p.AddWithValue("$error_id", Db(run.ErrorId));
                p.AddWithValue("$status_code", Db(run.StatusCode));
                p.AddWithValue("$response_id", Db(run.ResponseId));
                if (command.ExecuteNonQuery() == 0) continue;
            }
            foreach (var tag in run.Tags.Distinct(StringComparer.Ordinal))
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES ($id, $tag);";
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$tag", tag);
                command.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <summary>A kind as the database stores it: chain, llm or tool.</summary>
    public static string KindText(RunKind kind) => kind.ToString().ToLowerInvariant();

    private static object Db(object? value) => value switch
    {
        null => DBNull.Value,
        string { Length: 0 } => DBNull.Value,
        _ => value,
    };
}
