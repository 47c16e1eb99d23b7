using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Reports;

namespace PsLlm.Benchmarks;

/// <summary>
/// Turns BenchmarkDotNet's per-operation results into per-token figures, as Markdown for the
/// README. A benchmark class with an <c>N</c> parameter streams N tokens per operation, so its
/// figures are divided by N; one without (DispatchBenchmarks) already reports one token per
/// operation through OperationsPerInvoke. Ratios are against the class's Baseline method (the
/// raw SDK loop) and its [NoHandlerReference] method (the engine with no handler).
/// </summary>
internal static class PerTokenTable
{
    private sealed record Row(
        string Class, string Method, string Params, int Tokens, bool IsBaseline, bool IsNoHandler,
        double MeanNs, double? Bytes)
    {
        public double NsPerToken => MeanNs / Tokens;
        public double? BytesPerToken => Bytes / Tokens;
    }

    public static string Render(IReadOnlyList<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports).Where(r => r.Success && r.ResultStatistics is not null).Select(ToRow).ToList();
        var text = new StringBuilder();
        text.AppendLine("## Per-token figures");
        text.AppendLine();
        text.AppendLine(Machine(summaries));
        text.AppendLine();
        text.AppendLine("| Benchmark | N | Method | ns/token | B/token | vs raw SDK | +ns/token vs raw SDK | vs no handler | +ns/token vs no handler |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => (r.Class, r.Params)))
        {
            var baseline = group.FirstOrDefault(r => r.IsBaseline);
            var none = group.FirstOrDefault(r => r.IsNoHandler);
            foreach (var row in group)
            {
                text.Append($"| {row.Class} | {(row.Params.Length == 0 ? "-" : row.Tokens.ToString(CultureInfo.InvariantCulture))} | {row.Method} ");
                text.Append($"| {Ns(row.NsPerToken)} | {B(row.BytesPerToken)} ");
                text.Append(Compare(row, baseline, skip: baseline is null || ReferenceEquals(row, baseline)));
                text.Append(Compare(row, none, skip: none is null || ReferenceEquals(row, none) || (row.IsBaseline && !row.IsNoHandler)));
                text.AppendLine("|");
            }
        }

        var marginal = Marginal(rows);
        if (marginal.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("Marginal cost per token (slope between the smallest and largest N, so fixed per-chat costs drop out):");
            text.AppendLine();
            text.AppendLine("| Benchmark | Method | ns/token | B/token | +ns/token vs raw SDK |");
            text.AppendLine("|---|---|---:|---:|---:|");
            text.Append(marginal);
        }
        return text.ToString();
    }

    private static string Compare(Row row, Row? reference, bool skip) =>
        skip || reference is null
            ? "| - | - "
            : $"| {row.MeanNs / reference.MeanNs:0.00}x | {Signed(row.NsPerToken - reference.NsPerToken)} ";

    private static string Marginal(List<Row> rows)
    {
        var text = new StringBuilder();
        foreach (var type in rows.Where(r => r.Params.Length > 0).GroupBy(r => r.Class))
        {
            var sizes = type.Select(r => r.Tokens).Distinct().Order().ToList();
            if (sizes.Count < 2) continue;
            var (small, large) = (sizes[0], sizes[^1]);
            double? baselineSlope = null;
            var slopes = new List<(string Method, double Ns, double? Bytes, bool IsBaseline)>();
            foreach (var method in type.GroupBy(r => r.Method))
            {
                var a = method.FirstOrDefault(r => r.Tokens == small);
                var b = method.FirstOrDefault(r => r.Tokens == large);
                if (a is null || b is null) continue;
                var ns = (b.MeanNs - a.MeanNs) / (large - small);
                var bytes = (b.Bytes - a.Bytes) / (large - small);
                if (a.IsBaseline) baselineSlope = ns;
                slopes.Add((method.Key, ns, bytes, a.IsBaseline));
            }
            foreach (var (method, ns, bytes, isBaseline) in slopes)
            {
                var delta = baselineSlope is { } bs && !isBaseline ? Signed(ns - bs) : "-";
                text.AppendLine($"| {type.Key} | {method} | {Ns(ns)} | {B(bytes)} | {delta} |");
            }
        }
        return text.ToString();
    }

    private static Row ToRow(BenchmarkReport report)
    {
        var benchmark = report.BenchmarkCase;
        var method = benchmark.Descriptor.WorkloadMethod;
        var n = benchmark.Parameters.Items.FirstOrDefault(p => p.Name == "N")?.Value;
        return new Row(
            benchmark.Descriptor.Type.Name,
            method.Name,
            benchmark.Parameters.DisplayInfo,
            n is int tokens ? tokens : 1,
            benchmark.Descriptor.Baseline,
            method.GetCustomAttribute<NoHandlerReferenceAttribute>() is not null,
            report.ResultStatistics!.Mean,
            report.GcStats.GetBytesAllocatedPerOperation(benchmark));
    }

    private static string Machine(IReadOnlyList<Summary> summaries)
    {
        var host = summaries[0].HostEnvironmentInfo;
        var job = summaries.SelectMany(s => s.BenchmarksCases).Select(b => b.Job.DisplayInfo).Distinct();
        return $"Machine: {host.CpuInfo.Value?.ProcessorName ?? "unknown CPU"}, {Environment.ProcessorCount} logical cores, "
            + $"{RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}; "
            + $"job: {string.Join(", ", job)}. Figures include the in-process fake server's share of CPU and allocations; "
            + "the differences against the raw SDK are the engine's own cost.";
    }

    private static string Ns(double ns) =>
        ns.ToString(Math.Abs(ns) < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Signed(double ns) => (ns >= 0 ? "+" : "") + Ns(ns);

    private static string B(double? bytes) =>
        bytes is { } b ? b.ToString(Math.Abs(b) < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) : "?";
}
