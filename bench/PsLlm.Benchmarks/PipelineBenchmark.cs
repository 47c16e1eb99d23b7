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
                ($chat | Sort-Object)[[int]($chat.Count / 2)].ToString([cultureinfo]::InvariantCulture)
                ($floor | Sort-Object)[[int]($floor.Count / 2)].ToString([cultureinfo]::InvariantCulture)
                """;
            var output = PwshProcess.Output(pwsh, script);
            var chatMs = double.Parse(output[^2], CultureInfo.InvariantCulture);
            var floorMs = double.Parse(output[^1], CultureInfo.InvariantCulture);
            Console.WriteLine();
            Console.WriteLine($"pwsh: {pwsh}");
            Console.WriteLine($"| {tokens} tokens through `| ForEach-Object {{}}` (median of {runs}) | ms | µs/token | vs floor |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| Compiled cmdlet writing precomputed strings (PowerShell's floor) | {floorMs:F1} | {floorMs * 1000 / tokens:F1} | — |");
            Console.WriteLine($"| Invoke-LlmChat -Stream from the fake server on loopback | {chatMs:F1} | {chatMs * 1000 / tokens:F1} | {chatMs / floorMs:F2}× |");
            Console.WriteLine();
            Console.WriteLine($"Invoke-LlmChat -Stream | ForEach-Object {{}}: {chatMs / floorMs:F2}× PowerShell's floor (target: at most 2×).");
            return 0;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
