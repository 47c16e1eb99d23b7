using BenchmarkDotNet.Running;

namespace PsLlm.Benchmarks;

/// <summary>
/// Runs the benchmarks, then prints (and saves as BenchmarkDotNet.Artifacts/results/per-token.md)
/// the per-token table for the README:
/// <code>
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --quick                  # ~2 minutes
/// dotnet run -c Release --project bench/PsLlm.Benchmarks                            # default job, much longer
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --filter '*Dispatch*' --job short
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --startup                # fresh pwsh: import + first chat
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --pipeline               # -Stream | ForEach-Object against PowerShell's floor
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --throughput             # 1,000 prompts -ThrottleLimit 16 against the ideal
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --async                  # -Async handlers against the stream alone
/// </code>
/// Without --filter every benchmark runs (instead of BenchmarkDotNet's interactive prompt).
/// --quick is --job quick. Other arguments go to BenchmarkDotNet.
/// </summary>
public static class Program
{
    private static readonly string[] SelectionOptions = ["--filter", "-f", "--list", "--help", "-h", "--info", "--version", "--allCategories", "--anyCategories"];

    public static int Main(string[] args)
    {
        if (args.Contains("--startup")) return StartupBenchmark.Run(args);
        if (args.Contains("--pipeline")) return PipelineBenchmark.Run(args);
        if (args.Contains("--throughput")) return ThroughputBenchmark.Run(args);
        if (args.Contains("--async")) return AsyncHandlerBenchmark.Run(args);
        var rest = new List<string>();
        var job = BenchConfig.Named("default")!;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? name = null;
            if (arg == "--quick") name = "quick";
            else if (arg is "--job" or "-j" && i + 1 < args.Length) name = args[++i];
            else if (arg.StartsWith("--job=", StringComparison.Ordinal)) name = arg["--job=".Length..];
            else
            {
                rest.Add(arg);
                continue;
            }
            job = BenchConfig.Named(name) ?? throw new ArgumentException($"Unknown job '{name}'; use default, dry, short, medium, long, verylong or quick.");
        }
        if (!rest.Any(a => SelectionOptions.Any(o => a == o || a.StartsWith(o + "=", StringComparison.Ordinal))))
            rest.AddRange(["--filter", "*"]);

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), BenchConfig.Create(job)).ToList();
        if (summaries.Count == 0 || summaries.All(s => s.Reports.IsEmpty)) return 0;

        var table = PerTokenTable.Render(summaries);
        Console.WriteLine();
        Console.WriteLine(table);
        var directory = summaries[0].ResultsDirectoryPath;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "per-token.md");
        File.WriteAllText(path, table);
        Console.WriteLine($"Per-token table written to {path}");

        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
