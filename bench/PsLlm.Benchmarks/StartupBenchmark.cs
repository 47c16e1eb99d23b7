using System.Diagnostics;
using System.Globalization;
using PsLlm.FakeOpenAI;

namespace PsLlm.Benchmarks;

/// <summary>
/// What a fresh pwsh pays for PsLlm: the wall time of <c>Import-Module</c> plus one chat against
/// the fake server, over the time of a bare pwsh that runs one statement, both as new processes
/// (medians of alternating runs, so machine load hits both alike). It also times, inside one fresh
/// process, a first streamed chat of 200 tokens and a second one, per token: the JIT's share.
/// <code>
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --startup [--runs 15] [--pwsh path] [--module out/PsLlm]
/// </code>
/// pwsh: --pwsh, else PSLLM_PWSH, else the repository's tool manifest (dotnet pwsh), else pwsh on PATH.
/// </summary>
public static class StartupBenchmark
{
    private const int StreamTokens = 200;

    public static int Run(IReadOnlyList<string> args)
    {
        var runs = int.Parse(PwshProcess.Option(args, "--runs") ?? "15", CultureInfo.InvariantCulture);
        if (PwshProcess.Module(args) is not { } module) return 1;
        var pwsh = PwshProcess.Find(args);
        var server = FakeOpenAIServer.StartAsync().GetAwaiter().GetResult();
        try
        {
            return Measure(pwsh, module, server.BaseUrl, runs);
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static int Measure(string pwsh, string module, string url, int runs)
    {

        var bare = "$x = 1";
        var chat = $"Import-Module '{module}'; $null = Invoke-LlmChat 'hi' -Client (New-LlmClient -Endpoint '{url}' -Model m -MaxRetries 0)";
        PwshProcess.Time(pwsh, bare);   // warm the disk cache for both
        PwshProcess.Time(pwsh, chat);
        var bareTimes = new List<double>();
        var chatTimes = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            bareTimes.Add(PwshProcess.Time(pwsh, bare));
            chatTimes.Add(PwshProcess.Time(pwsh, chat));
        }

        var admin = url[..^"/v1".Length] + "/_admin/replies";
        var stream = $$"""
            Import-Module '{{module}}'
            $c = New-LlmClient -Endpoint '{{url}}' -Model m -MaxRetries 0
            $reply = '[{"tokens":[' + ((1..{{StreamTokens}} | ForEach-Object { '"t "' }) -join ',') + ']}]'
            foreach ($i in 1, 2) {
                $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body $reply
                $w = [Diagnostics.Stopwatch]::StartNew()
                Invoke-LlmChat 'x' -Client $c -Stream | ForEach-Object { }
                '{0:F1}' -f ($w.Elapsed.TotalMilliseconds * 1000 / {{StreamTokens}})
            }
            """;
        var perToken = PwshProcess.Output(pwsh, stream).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();

        var bareMedian = PwshProcess.Median(bareTimes);
        var chatMedian = PwshProcess.Median(chatTimes);
        Console.WriteLine();
        Console.WriteLine($"pwsh: {pwsh}");
        Console.WriteLine($"| Case ({runs} runs each, medians) | ms | over bare pwsh |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine($"| Bare pwsh (one statement) | {bareMedian:F0} | — |");
        Console.WriteLine($"| Import-Module PsLlm + one chat | {chatMedian:F0} | +{chatMedian - bareMedian:F0} ms ({chatMedian / bareMedian:F2}×) |");
        Console.WriteLine();
        Console.WriteLine($"| Streamed chat of {StreamTokens} tokens in a fresh pwsh | µs/token |");
        Console.WriteLine("| --- | ---: |");
        Console.WriteLine($"| First (JIT included) | {perToken[0]:F1} |");
        Console.WriteLine($"| Second (warm) | {perToken[1]:F1} |");
        Console.WriteLine();
        Console.WriteLine($"Import + first chat over bare pwsh: {(chatMedian - bareMedian) / 1000:F2} s (target: at most 0.35 s).");
        return 0;
    }
}
