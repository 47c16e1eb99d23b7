using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using PsLlm.Engine.Observability.Pricing;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Totals the tokens of model runs (kind llm: each model call once; chain rows repeat their
/// children's usage and are not counted) and estimates their cost. SQLite sums per group and
/// model; each model's price is applied here (the answering model's first, then the one asked
/// for), then the groups are summed. Runs whose model has no price, or that reported no usage,
/// are counted in RunsWithoutCost and add nothing to Cost; a group with no priced run has a null
/// Cost. Days are local calendar days.
/// </summary>
internal static class LlmUsageReader
{
    public static IReadOnlyList<LlmUsageSummary> Read(SqliteConnection connection, UsageQuery query, PriceTable prices)
    {
        var groups = query.Groupings();
        var byTag = groups.Contains(UsageGrouping.Tag);
        using var command = connection.CreateCommand();
        var where = new List<string> { "r.kind = 'llm'" };
        if (query.Models.Count > 0) where.Add(LlmLogReader.ModelFilter(command, query.Models));
        LlmLogReader.AddTagAndTimeFilters(command, where, query.Tags, query.Since, query.Until);

        var sql = new StringBuilder("""
            SELECT coalesce(r.model, r.response_model, '') AS model, coalesce(r.response_model, '') AS response_model,
                   date(r.started_at, 'localtime') AS day,
            """);
        sql.Append(byTag ? " t.tag AS tag," : " NULL AS tag,");
        sql.Append("""
                   count(*), sum(coalesce(r.input_tokens, 0)), sum(coalesce(r.cached_input_tokens, 0)),
                   sum(coalesce(r.output_tokens, 0)), sum(coalesce(r.reasoning_tokens, 0)), sum(coalesce(r.total_tokens, 0)),
                   sum(CASE WHEN r.input_tokens IS NULL AND r.output_tokens IS NULL THEN 1 ELSE 0 END)
            FROM runs r
            """);
        if (byTag) sql.Append(" LEFT JOIN run_tags t ON t.run_id = r.id");
        sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(" GROUP BY 1, 2, 3, 4;");
        command.CommandText = sql.ToString();

        var totals = new Dictionary<(string? Model, string? Tag, DateTime? Day), Total>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var model = reader.GetString(0);
                var responseModel = reader.GetString(1);
                var key = (
                    groups.Contains(UsageGrouping.Model) ? model : null,
                    byTag && !reader.IsDBNull(3) ? reader.GetString(3) : null,
                    groups.Contains(UsageGrouping.Day) ? DateTime.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture) : (DateTime?)null);
                if (!totals.TryGetValue(key, out var total)) totals[key] = total = new Total();

                var runs = reader.GetInt64(4);
                var input = reader.GetInt64(5);
                var cached = reader.GetInt64(6);
                var output = reader.GetInt64(7);
                var withoutUsage = reader.GetInt64(10);
                total.Runs += runs;
                total.Input += input;
                total.Cached += cached;
                total.Output += output;
                total.Reasoning += reader.GetInt64(8);
                total.All += reader.GetInt64(9);

                if (prices.Find(responseModel, model) is { } price && runs > withoutUsage)
                {
                    total.Cost = (total.Cost ?? 0m) + PriceTable.Cost(price, input, cached, output);
                    total.WithoutCost += withoutUsage;
                }
                else
                {
                    total.WithoutCost += runs;
                }
            }
        }

        return totals
            .OrderBy(t => t.Key.Day ?? DateTime.MinValue)
            .ThenBy(t => t.Key.Model, StringComparer.OrdinalIgnoreCase)
            .ThenBy(t => t.Key.Tag, StringComparer.Ordinal)
            .Select(t => new LlmUsageSummary
            {
                Model = t.Key.Model,
                Tag = t.Key.Tag,
                Day = t.Key.Day,
                Runs = t.Value.Runs,
                InputTokens = t.Value.Input,
                CachedInputTokens = t.Value.Cached,
                OutputTokens = t.Value.Output,
                ReasoningTokens = t.Value.Reasoning,
                TotalTokens = t.Value.All,
                Cost = t.Value.Cost,
                RunsWithoutCost = t.Value.WithoutCost,
            })
            .ToArray();
    }

    private sealed class Total
    {
        public long Runs, Input, Cached, Output, Reasoning, All, WithoutCost;
        public decimal? Cost;
    }
}
