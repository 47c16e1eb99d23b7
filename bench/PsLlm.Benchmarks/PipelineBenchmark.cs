using System.Globalization;
using PsLlm.FakeOpenAI;

namespace PsLlm.Benchmarks;

/// <summary>
/// What a streamed chat costs in PowerShell's pipeline, against PowerShell's own floor: in one
/// pwsh, <c>Invoke-LlmChat -Stream | ForEach-Object {}</c> over N tokens from the fake server, and
/// a compiled cmdlet writing the same N precomputed strings through the same
/// <c>ForEach-Object {}</c>. Medians of alternating runs after a warm-up; the ratio is the figure.
/// <code>
/// dotnet run -c Release --project bench/PsLlm.Benchmarks -- --pipeline [--tokens 2000] [--runs 9]
/// </code>
/// </summary>
public static class PipelineBenchmark
{
    public static int Run(IReadOnlyList<string> args)
    {
        var tokens = int.Parse(PwshProcess.Option(args, "--tokens") ?? "2000", CultureInfo.InvariantCulture);
        var runs = int.Parse(PwshProcess.Option(args, "--runs") ?? "9", CultureInfo.InvariantCulture);
        if (PwshProcess.Module(args) is not { } module) return 1;
        var pwsh = PwshProcess.Find(args);
        var server = FakeOpenAIServer.StartAsync().GetAwaiter().GetResult();
        try
        {
            var admin = server.BaseUrl[..^"/v1".Length] + "/_admin/replies";
            var script = $$"""
                Import-Module '{{module}}'
                Add-Type -TypeDefinition @'
                using System.Management.Automation;
                [Cmdlet(VerbsCommunications.Write, "Precomputed")]
                public sealed class WritePrecomputedCommand : PSCmdlet
                {
                    [Parameter(Mandatory = true)] public string[] Items { get; set; }
                    protected override void ProcessRecord() { foreach (var item in Items) WriteObject(item); }
                }
                '@ -PassThru | Select-Object -First 1 | ForEach-Object { Import-Module $_.Assembly }
                $c = New-LlmClient -Endpoint '{{server.BaseUrl}}' -Model m -MaxRetries 0
                $items = 1..{{tokens}} | ForEach-Object { "tok$_ " }
                $reply = '[{"tokens":' + (ConvertTo-Json -InputObject $items -Compress) + '}]'
                $chat = [System.Collections.Generic.List[double]]::new()
                $floor = [System.Collections.Generic.List[double]]::new()
                foreach ($i in 0..{{runs}}) {
                    $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body $reply
                    $w = [Diagnostics.Stopwatch]::StartNew()
                    Invoke-LlmChat 'x' -Client $c -Stream | ForEach-Object { }
                    $chatMs = $w.Elapsed.TotalMilliseconds
                    $w.Restart()
                    Write-Precomputed -Items $items | ForEach-Object { }
                    $floorMs = $w.Elapsed.TotalMilliseconds
                    if ($i -gt 0) { $chat.Add($chatMs); $floor.Add($floorMs) }   # the first run warms up
                }
                function Median($values) { ($values | Sort-Object)[[int]($values.Count / 2)].ToString([cultureinfo]::InvariantCulture) }
                Median $chat
                Median $floor

                # An unrelated subscriber in the session (a timer's action): what does it cost a chat?
                function Measure-Chats([int] $Runs) {
                    $stream = [System.Collections.Generic.List[double]]::new()
                    $short = [System.Collections.Generic.List[double]]::new()
                    foreach ($i in 0..$Runs) {
                        $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body $reply
                        $w = [Diagnostics.Stopwatch]::StartNew()
                        Invoke-LlmChat 'x' -Client $c -Stream | ForEach-Object { }
                        $streamMs = $w.Elapsed.TotalMilliseconds
                        $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body '[{"text":"short"}]'
                        $w.Restart()
                        $null = Invoke-LlmChat 'x' -Client $c
                        $shortMs = $w.Elapsed.TotalMilliseconds
                        if ($i -gt 0) { $stream.Add($streamMs); $short.Add($shortMs) }
                    }
                    Median $stream
                    Median $short
                }
                Measure-Chats {{runs}}
                $timer = [System.Timers.Timer]::new(10)
                $null = Register-ObjectEvent -InputObject $timer -EventName Elapsed -SourceIdentifier Unrelated -Action { $null = 1 }
                $timer.Start()
                Measure-Chats {{runs}}
                $timer.Stop()
                Unregister-Event Unrelated

                # A Register-ObjectEvent subscriber on a 5,000-token stream: no backlog after it.
                $seen = [System.Collections.Generic.List[int]]::new()
                $null = Register-ObjectEvent -InputObject $c -EventName LlmNewToken -SourceIdentifier Tokens -MessageData $seen -Action { $Event.MessageData.Add($EventArgs.Count) }
                $many = '[{"tokens":' + (ConvertTo-Json -InputObject @(1..5000 | ForEach-Object { "t$_ " }) -Compress) + '}]'
                $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body $many
                $null = Invoke-LlmChat 'x' -Client $c -Stream
                $accounted = ($seen | Measure-Object -Sum).Sum
                $received = $seen.Count
                Unregister-Event Tokens
                $null = Invoke-RestMethod -Method Post -Uri '{{admin}}' -ContentType 'application/json' -Body '[{"text":"short"}]'
                $w = [Diagnostics.Stopwatch]::StartNew()
                $null = Invoke-LlmChat 'x' -Client $c
                $w.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)
                "$accounted"
                "$received"
                """;
            var output = PwshProcess.Output(pwsh, script).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            var (chatMs, floorMs) = (output[^9], output[^8]);
            var (streamAlone, shortAlone, streamBeside, shortBeside) = (output[^7], output[^6], output[^5], output[^4]);
            var (nextChatMs, accounted, received) = (output[^3], (int)output[^2], (int)output[^1]);
            Console.WriteLine();
            Console.WriteLine($"pwsh: {pwsh}");
            Console.WriteLine($"| {tokens} tokens through `| ForEach-Object {{}}` (median of {runs}) | ms | µs/token | vs floor |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| Compiled cmdlet writing precomputed strings (PowerShell's floor) | {floorMs:F1} | {floorMs * 1000 / tokens:F1} | — |");
            Console.WriteLine($"| Invoke-LlmChat -Stream from the fake server on loopback | {chatMs:F1} | {chatMs * 1000 / tokens:F1} | {chatMs / floorMs:F2}× |");
            Console.WriteLine();
            Console.WriteLine($"Invoke-LlmChat -Stream | ForEach-Object {{}}: {chatMs / floorMs:F2}× PowerShell's floor (target: at most 2×).");
            Console.WriteLine();
            Console.WriteLine($"| With an unrelated Register-ObjectEvent subscriber (a 10 ms timer) | alone (ms) | beside it (ms) | ratio |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| Streamed chat of {tokens} tokens | {streamAlone:F1} | {streamBeside:F1} | {streamBeside / streamAlone:F2}× |");
            Console.WriteLine($"| Short non-streamed chat | {shortAlone:F1} | {shortBeside:F1} | {shortBeside / shortAlone:F2}× |");
            Console.WriteLine();
            Console.WriteLine($"A Register-ObjectEvent subscriber on a client's LlmNewToken over a 5,000-token stream: {received} events carrying {accounted} tokens (every token accounted for: {accounted == 5000}); the next short chat took {nextChatMs:F1} ms (usually {shortAlone:F1} ms).");
            return 0;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
