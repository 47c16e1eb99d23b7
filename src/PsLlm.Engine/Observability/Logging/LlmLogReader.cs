using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using PsLlm.Engine.Observability.Pricing;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Reads runs back as <see cref="LlmLogEntry"/> objects: filtered lists (Get-LlmLog) and whole run
/// trees (Get-LlmLog -Run). Model runs get their estimated cost from the price table.
/// </summary>
internal static class LlmLogReader
{
    private const string Columns = """
        r.seq, r.id, r.parent_id, r.kind, r.name, r.status, r.started_at, r.ended_at, r.duration_ms, r.ttft_ms,
        r.model, r.response_model, r.endpoint_host, r.prompt, r.messages_json, r.response, r.finish_reason,
        r.input_tokens, r.output_tokens, r.total_tokens, r.cached_input_tokens, r.reasoning_tokens,
        r.tool_calls_json, r.tool_call_id, r.inputs_json, r.tags_json, r.metadata_json,
        r.error, r.error_id, r.status_code, r.response_id
        """;

    public static IReadOnlyList<LlmLogEntry> Query(SqliteConnection connection, LogQuery query, PriceTable? prices = null)
    {
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (FtsQuery.From(query.Search) is { } match)
        {
            where.Add("r.seq IN (SELECT rowid FROM runs_fts WHERE runs_fts MATCH $search)");
            command.Parameters.AddWithValue("$search", match);
        }
        if (query.RunKinds() is { Count: > 0 } kinds)
            where.Add($"r.kind IN ({string.Join(", ", kinds.Select(k => $"'{LogEntryWriter.KindText(k)}'"))})");
        if (query.RunIds.Count > 0)
            where.Add($"r.id IN ({List(command, "$run", query.RunIds.Select(id => id.ToString("D")))})");
        if (query.Models.Count > 0)
            where.Add(ModelFilter(command, query.Models));
        AddTagAndTimeFilters(command, where, query.Tags, query.Since, query.Until);
        // A run a consumer stopped (Select-Object -First) ended as asked: not an error.
        if (query.ErrorsOnly) where.Add("r.status NOT IN ('ok', 'stopped')");

        var sql = new StringBuilder($"SELECT {Columns}, 0 FROM runs r");
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(" ORDER BY r.started_at DESC, r.seq DESC");
        if (query.Last > 0) sql.Append(CultureInfo.InvariantCulture, $" LIMIT {query.Last}");
        command.CommandText = sql.ToString();
        var entries = ReadAll(command, prices);
        entries.Reverse(); // the most recent N, shown oldest first
        return entries;
    }

    /// <summary>
    /// The whole tree <paramref name="runId"/> belongs to: from its top-most logged ancestor down,
    /// depth first, children in start order, with <see cref="LlmLogEntry.Depth"/> set. Empty when
    /// the run is not in the log.
    /// </summary>
    public static IReadOnlyList<LlmLogEntry> Tree(SqliteConnection connection, Guid runId, PriceTable? prices = null)
    {
        var root = FindRoot(connection, runId.ToString("D"));
        if (root is null) return Array.Empty<LlmLogEntry>();

        using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE tree(id, depth) AS (
                SELECT id, 0 FROM runs WHERE id = $root
                UNION
                SELECT r.id, tree.depth + 1 FROM runs r JOIN tree ON r.parent_id = tree.id WHERE tree.depth < 256
            )
            SELECT {Columns}, tree.depth FROM tree JOIN runs r ON r.id = tree.id;
            """;
        command.Parameters.AddWithValue("$root", root);
        var entries = ReadAll(command, prices);

        var children = entries.Where(e => e.ParentRunId is not null).ToLookup(e => e.ParentRunId!.Value);
        var ordered = new List<LlmLogEntry>(entries.Count);
        var seen = new HashSet<Guid>();
        void Visit(LlmLogEntry entry)
        {
            if (!seen.Add(entry.RunId)) return; // a damaged file with a parent cycle still ends
            ordered.Add(entry);
            foreach (var child in children[entry.RunId].OrderBy(c => c.StartTime).ThenBy(c => c.EndTime)) Visit(child);
        }
        Visit(entries.Single(e => e.Depth == 0));
        return ordered;
    }

    // Walks parent links up to the highest ancestor that is in the log (a parent may not be).
    private static string? FindRoot(SqliteConnection connection, string id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH RECURSIVE up(id, parent_id, level) AS (
                SELECT id, parent_id, 0 FROM runs WHERE id = $id
                UNION
                SELECT r.id, r.parent_id, up.level + 1 FROM runs r JOIN up ON r.id = up.parent_id WHERE up.level < 256
            )
            SELECT id FROM up ORDER BY level DESC LIMIT 1;
            """;
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }

    /// <summary>The models of the logged model calls, the most recently used first.</summary>
    public static IReadOnlyList<string> ModelNames(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT model FROM runs WHERE kind = 'llm' AND model IS NOT NULL AND model <> '' GROUP BY model ORDER BY max(started_at) DESC LIMIT 500";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// The filters Get-LlmLog and Get-LlmUsage share: a run carrying any of <paramref name="tags"/>
    /// (none: any run), started at or after <paramref name="since"/> and before <paramref name="until"/>.
    /// </summary>
    internal static void AddTagAndTimeFilters(SqliteCommand command, List<string> where, IReadOnlyList<string> tags, DateTimeOffset? since, DateTimeOffset? until)
    {
        if (tags.Count > 0)
            where.Add($"EXISTS (SELECT 1 FROM run_tags tag_filter WHERE tag_filter.run_id = r.id AND tag_filter.tag IN ({List(command, "$tag", tags)}))");
        if (since is { } from)
        {
            where.Add("r.started_at >= $since");
            command.Parameters.AddWithValue("$since", LogTime.Write(from));
        }
        if (until is { } to)
        {
            where.Add("r.started_at < $until");
            command.Parameters.AddWithValue("$until", LogTime.Write(to));
        }
    }

    /// <summary>SQL matching model names or patterns (* and ?) against the asked-for and answering model, case-insensitively.</summary>
    internal static string ModelFilter(SqliteCommand command, IReadOnlyList<string> models)
    {
        var clauses = new List<string>();
        for (var i = 0; i < models.Count; i++)
        {
            var name = $"$model{i}";
            command.Parameters.AddWithValue(name, Glob(models[i]));
            clauses.Add($"lower(coalesce(r.model, '')) GLOB {name} OR lower(coalesce(r.response_model, '')) GLOB {name}");
        }
        return "(" + string.Join(" OR ", clauses) + ")";
    }

    // PowerShell wildcards (* ?) to GLOB; [ and ] are literal in model names, so they are escaped.
    private static string Glob(string pattern)
    {
        var glob = new StringBuilder();
        foreach (var c in pattern.ToLowerInvariant())
            glob.Append(c switch { '[' => "[[]", ']' => "[]]", _ => c.ToString() });
        return glob.ToString();
    }

    private static string List(SqliteCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = prefix + names.Count.ToString(CultureInfo.InvariantCulture);
            command.Parameters.AddWithValue(name, value);
            names.Add(name);
        }
        return string.Join(", ", names);
    }

    private static List<LlmLogEntry> ReadAll(SqliteCommand command, PriceTable? prices)
    {
        var entries = new List<LlmLogEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) entries.Add(Read(reader, prices));
        return entries;
    }

    private static LlmLogEntry Read(SqliteDataReader r, PriceTable? prices)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        double? Real(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        int? Int(int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

        var kind = Text(3) ?? string.Empty;
        var usage = r.IsDBNull(17) && r.IsDBNull(18) ? null : new TokenUsage
        {
            InputTokens = Int(17) ?? 0,
            OutputTokens = Int(18) ?? 0,
            TotalTokens = Int(19) ?? 0,
            CachedInputTokens = Int(20) ?? 0,
            ReasoningTokens = Int(21) ?? 0,
        };
        var model = Text(10);
        var responseModel = Text(11);
        decimal? cost = null;
        if (kind == "llm" && usage is not null && prices?.Find(responseModel, model) is { } price)
            cost = PriceTable.Cost(price, usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens);
        var (calls, results) = LogEntryJson.ReadToolCalls(Text(22));

        return new LlmLogEntry
        {
            RunId = Guid.Parse(r.GetString(1)),
            ParentRunId = Text(2) is { } parent ? Guid.Parse(parent) : null,
            Kind = kind switch { "chain" => "Chain", "llm" => "Llm", "tool" => "Tool", _ => kind },
            Name = Text(4) ?? string.Empty,
            Status = Text(5) switch { "ok" => "Ok", "cancelled" => "Cancelled", "stopped" => "Stopped", "error" => "Error", var other => other ?? string.Empty },
            StartTime = LogTime.Read(r.GetString(6)),
            EndTime = Text(7) is { } ended ? LogTime.Read(ended) : null,
            Duration = Real(8) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            TimeToFirstToken = Real(9) is { } ttft ? TimeSpan.FromMilliseconds(ttft) : null,
            Model = model,
            ResponseModel = responseModel,
            EndpointHost = Text(12),
            Prompt = Text(13),
            Messages = LogEntryJson.ReadMessages(Text(14)),
            Response = Text(15),
            FinishReason = Text(16),
            Usage = usage,
            ToolCalls = calls,
            ToolResults = results,
            ToolCallId = Text(23),
            Inputs = LogEntryJson.ReadStrings(Text(24)),
            Tags = LogEntryJson.ReadTags(Text(25)),
            Metadata = LogEntryJson.ReadStrings(Text(26)),
            Error = Text(27),
            ErrorId = Text(28),
            StatusCode = Int(29),
            ResponseId = Text(30),
            Cost = cost,
            Depth = r.GetInt32(31),
        };
    }
}
