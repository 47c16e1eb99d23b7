using System.Globalization;
using PsLlm.FakeOpenAI;

namespace PsLlm.Benchmarks;

/// <summary>
/// Many prompts against a server that takes a fixed time per answer: in one pwsh, <c>Invoke-LlmChat
/// -ThrottleLimit N</c> over the prompts, and PowerShell's own way, <c>ForEach-Object -Parallel</c>
/// with the module imported in each runspace, against the ideal (prompts × latency / N). Also the
/// pwsh process's memory (working set) before and after the -ThrottleLimit run.
/// <code>
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --throughput [--prompts 1000] [--latency 100] [--throttle 16]
/// </code>
/// </summary>
public static class ThroughputBenchmark
{
    public static int Run(IReadOnlyList<string> args)
    {
        var prompts = int.Parse(PwshProcess.Option(args, "--prompts") ?? "1000", CultureInfo.InvariantCulture);
        var latency = int.Parse(PwshProcess.Option(args, "--latency") ?? "100", CultureInfo.InvariantCulture);
        var throttle = int.Parse(PwshProcess.Option(args, "--throttle") ?? "16", CultureInfo.InvariantCulture);
        if (PwshProcess.Module(args) is not { } module) return 1;
        var pwsh = PwshProcess.Find(args);
        var server = FakeOpenAIServer.StartAsync().GetAwaiter().GetResult();
        server.DefaultDelayMs = latency;
        try
        {
            var script = $$"""
                Import-Module '{{module}}'
                $c = New-LlmClient -Endpoint '{{server.BaseUrl}}' -Model m -MaxRetries 0
                $ProgressPreference = 'SilentlyContinue'
                # Warm-up: JIT, connections.
                $null = 1..{{throttle * 2}} | ForEach-Object { "warm $_" } | Invoke-LlmChat -Client $c -ThrottleLimit {{throttle}}
                [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
                $me = [Diagnostics.Process]::GetCurrentProcess()
                $me.Refresh(); $before = $me.WorkingSet64
                $w = [Diagnostics.Stopwatch]::StartNew()
                $answered = 0
                1..{{prompts}} | ForEach-Object { "prompt $_" } | Invoke-LlmChat -Client $c -ThrottleLimit {{throttle}} | ForEach-Object { $answered++ }
                $throttled = $w.Elapsed.TotalMilliseconds
                $me.Refresh(); $peak = $me.PeakWorkingSet64; $after = $me.WorkingSet64
                $w.Restart()
                $parallel = 1..{{prompts}} | ForEach-Object -ThrottleLimit {{throttle}} -Parallel {
                    Import-Module $using:module
                    Invoke-LlmChat "prompt $_" -Client $using:c
                } | Measure-Object | ForEach-Object Count
                $parallelMs = $w.Elapsed.TotalMilliseconds
                $throttled.ToString([cultureinfo]::InvariantCulture)
                $parallelMs.ToString([cultureinfo]::InvariantCulture)
                "$answered"
                "$parallel"
                "$before"
                "$after"
                "$peak"
                """.Replace("$using:module", $"'{module}'", StringComparison.Ordinal);
            var output = PwshProcess.Output(pwsh, script).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            var (throttledMs, parallelMs, answered, parallelAnswered) = (output[^7], output[^6], (int)output[^5], (int)output[^4]);
            var (before, after, peak) = (output[^3], output[^2], output[^1]);
            var idealMs = (double)prompts * latency / throttle;
            const double mb = 1024 * 1024;
            Console.WriteLine();
            Console.WriteLine($"pwsh: {pwsh}; {Environment.ProcessorCount} cores; {prompts} prompts, {latency} ms per answer, {throttle} at once.");
            Console.WriteLine($"| Way | answered | s | vs ideal ({idealMs / 1000:F2} s) |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| Invoke-LlmChat -ThrottleLimit {throttle} | {answered} | {throttledMs / 1000:F2} | {throttledMs / idealMs:F2}× |");
            Console.WriteLine($"| ForEach-Object -Parallel -ThrottleLimit {throttle} (Import-Module per runspace) | {parallelAnswered} | {parallelMs / 1000:F2} | {parallelMs / idealMs:F2}× |");
            Console.WriteLine();
            Console.WriteLine($"Invoke-LlmChat -ThrottleLimit: {throttledMs / idealMs:F2}× the ideal (target: at most 1.15×); ForEach-Object -Parallel: {parallelMs / idealMs:F2}×.");
            Console.WriteLine($"pwsh working set: {before / mb:F1} MB before, {after / mb:F1} MB after ({(after - before) / mb:+0.0;-0.0} MB; target: under 50 MB of growth), peak {peak / mb:F1} MB.");
            return answered == prompts ? 0 : 1;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
