using System.Globalization;
using PsLlm.Benchmarks.Handlers;
using PsLlm.FakeOpenAI;

namespace PsLlm.Benchmarks;

/// <summary>
/// What async handlers cost a chat. In a pwsh: a 200-token stream (10 ms between tokens, as a
/// model streams) alone and with <c>Register-LlmCallback * -Async</c> whose scriptblock sleeps
/// 2 s per event; medians of alternating runs. In process: the time a C# AsyncCallbackHandler
/// adds per token on the chat's thread (queueing the event for its worker).
/// <code>
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --async [--tokens 200] [--runs 5]
/// </code>
/// </summary>
public static class AsyncHandlerBenchmark
{
    public static int Run(IReadOnlyList<string> args)
    {
        var tokens = int.Parse(PwshProcess.Option(args, "--tokens") ?? "200", CultureInfo.InvariantCulture);
        var runs = int.Parse(PwshProcess.Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        if (PwshProcess.Module(args) is not { } module) return 1;
        var pwsh = PwshProcess.Find(args);

        // In process first, while the machine is quiet.
        const int rounds = 2000;
        var none = Median(Enumerable.Range(0, 5).Select(_ => DispatchBenchmarks.NanosecondsPerToken(BenchHandlers.None, rounds)));
        var handler = new CountingAsyncHandler(capacity: 1 << 24);
        var withAsync = Median(Enumerable.Range(0, 5).Select(_ => DispatchBenchmarks.NanosecondsPerToken(BenchHandlers.Async(handler), rounds)));
        handler.Drain(TimeSpan.FromMinutes(1));
        var handled = handler.Tokens;
        handler.Stop(TimeSpan.Zero);

        var server = FakeOpenAIServer.StartAsync().GetAwaiter().GetResult();
        try
        {
            var admin = server.BaseUrl[..^"/v1".Length] + "/_admin/replies";
            var script = $$"""
                Import-Module '{{module}}'
                $c = New-LlmClient -Endpoint '{{server.BaseUrl}}' -Model m -MaxRetries 0
                $items = 1..{{tokens}} | ForEach-Object { "tok$_ " }
                $reply = '[{"delayMs":10,"tokens":' + (ConvertTo-Json -InputObject $items -Compress) + '}]'
                function Measure-Stream {
                    $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body $reply
                    $w = [Diagnostics.Stopwatch]::StartNew()
                    Invoke-LlmChat 'x' -Client $c -Stream | ForEach-Object { }
                    $w.Elapsed.TotalMilliseconds
                }
                $null = Measure-Stream    # warm-up
                $alone = [System.Collections.Generic.List[double]]::new()
                $beside = [System.Collections.Generic.List[double]]::new()
                # Registered once, its runspace opened before the first measured chat; its queue holds every run's events.
                $reg = Register-LlmCallback * -Async -Name sleeper -QueueCapacity 100000 -Action { Start-Sleep -Seconds 2 }
                Start-Sleep -Seconds 2
                foreach ($i in 1..{{runs}}) {
                    Unregister-LlmCallback -Name sleeper -Timeout 0 -WarningAction SilentlyContinue
                    $alone.Add((Measure-Stream))
                    $reg = Register-LlmCallback * -Async -Name sleeper -QueueCapacity 100000 -Action { Start-Sleep -Seconds 2 }
                    Start-Sleep -Seconds 2
                    $beside.Add((Measure-Stream))
                }
                $events = $reg.AsyncHandler.Pending + $reg.AsyncHandler.Processed
                Unregister-LlmCallback -Name sleeper -Timeout 0 -WarningAction SilentlyContinue
                function Median($values) { ($values | Sort-Object)[[int]($values.Count / 2)].ToString([cultureinfo]::InvariantCulture) }
                Median $alone
                Median $beside
                "$events"
                """;
            var output = PwshProcess.Output(pwsh, script).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            var (aloneMs, besideMs, events) = (output[^3], output[^2], (int)output[^1]);

            Console.WriteLine();
            Console.WriteLine($"pwsh: {pwsh}");
            Console.WriteLine($"| A {tokens}-token stream, 10 ms between tokens (median of {runs}) | ms | vs alone |");
            Console.WriteLine("| --- | ---: | ---: |");
            Console.WriteLine($"| Alone | {aloneMs:F0} | — |");
            Console.WriteLine($"| With Register-LlmCallback * -Async sleeping 2 s per event ({events} events queued in the last run) | {besideMs:F0} | {besideMs / aloneMs:F3}× |");
            Console.WriteLine();
            Console.WriteLine($"An -Async handler sleeping 2 s per event adds {(besideMs / aloneMs - 1) * 100:F1} % to the stream (target: at most 5 %; run synchronously it would add {events * 2} s).");
            Console.WriteLine();
            Console.WriteLine("| Raising a token event on the chat's thread (in process, median of 5) | ns/token |");
            Console.WriteLine("| --- | ---: |");
            Console.WriteLine($"| No handler | {none:F0} |");
            Console.WriteLine($"| One C# AsyncCallbackHandler | {withAsync:F0} |");
            Console.WriteLine();
            Console.WriteLine($"A C# AsyncCallbackHandler adds {withAsync - none:F0} ns per token on the chat's thread (target: at most 1,000 ns); its worker handled {handled:N0} tokens.");
            return 0;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
