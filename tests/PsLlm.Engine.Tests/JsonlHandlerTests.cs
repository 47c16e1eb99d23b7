using System.Diagnostics;
using System.Text.Json.Nodes;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability;
using PsLlm.FakeOpenAI;
using Xunit;
using Xunit.Abstractions;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The JSONL log: one parseable line per event, in the order the chat raised them, whole lines
/// only even with several writers and processes on one file, and a failing or stalled disk that
/// never touches the chat (drops and failures counted instead).
/// </summary>
public sealed class JsonlHandlerTests : IAsyncLifetime
{
    private const string RecordingName = "TokenLogProbabilitiesStreaming(False)";
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "psllm-jsonl-" + Guid.NewGuid().ToString("N"));
    private FakeOpenAIServer _server = null!;

    public JsonlHandlerTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _server = await FakeOpenAIServer.StartAsync(TestPaths.Recordings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void RecordedStreamedChatIsLoggedEventForEvent()
    {
        var path = Path.Combine(_folder, "chat.jsonl");
        var (outcome, lines) = ReplayRecording(path, excludeContent: false);
        var response = outcome.Ok;
        var events = outcome.Log.Events;

        Assert.True(events.Count > 5, "a streamed chat has tokens");
        Assert.Equal(events.Count, lines.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var line = lines[i];
            Assert.Equal(e.EventName, (string)line["eventName"]!);
            Assert.Equal(e.RunId, Guid.Parse((string)line["runId"]!));
            Assert.Equal(e.ParentRunId, line["parentRunId"] is { } parent ? Guid.Parse((string)parent!) : null);
            var stamp = (string)line["timestamp"]!;
            Assert.EndsWith("Z", stamp);
            Assert.Equal(e.Timestamp, DateTimeOffset.Parse(stamp, System.Globalization.CultureInfo.InvariantCulture));
        }

        var tokens = lines.Where(l => (string)l["eventName"]! == "LlmNewToken").ToArray();
        Assert.Equal(response.Text, string.Concat(tokens.Select(t => (string)t["token"]!)));
        Assert.Equal(Enumerable.Range(0, tokens.Length), tokens.Select(t => (int)t["index"]!));

        var start = lines.Single(l => (string)l["eventName"]! == "ChatModelStart");
        Assert.Equal(response.Messages.Select(m => m.Content), start["messages"]!.AsArray().Select(m => (string)m!["content"]!));
        Assert.Equal(response.Model, (string)lines.Single(l => (string)l["eventName"]! == "LlmEnd")["response"]!["model"]!);
        var end = lines.Single(l => (string)l["eventName"]! == "LlmEnd")["response"]!;
        Assert.Equal(response.Text, (string)end["text"]!);
        Assert.Equal(response.FinishReason, (string)end["finishReason"]!);
        Assert.Equal(response.ResponseId, (string)end["responseId"]!);
        Assert.Equal(response.Usage!.TotalTokens, (int)end["usage"]!["totalTokens"]!);
        Assert.NotNull(end["timeToFirstTokenMs"]);
    }

    [Fact]
    public void ExcludeContentLogsTheSameEventsWithoutTheirText()
    {
        var path = Path.Combine(_folder, "private.jsonl");
        var (outcome, lines) = ReplayRecording(path, excludeContent: true);
        var response = outcome.Ok;
        var raw = File.ReadAllText(path);

        Assert.Equal(outcome.Log.Names.Select(n => n.ToString()), lines.Select(l => (string)l["eventName"]!));
        Assert.DoesNotContain(response.Text, raw);
        Assert.DoesNotContain(response.Messages[^1].Content, raw);
        var end = lines.Single(l => (string)l["eventName"]! == "LlmEnd")["response"]!;
        Assert.Equal(response.Text.Length, (int)end["textLength"]!);
        Assert.Equal(response.Usage!.TotalTokens, (int)end["usage"]!["totalTokens"]!);
        Assert.All(lines.Where(l => (string)l["eventName"]! == "LlmNewToken"), t => Assert.Null(t["token"]));
    }

    [Fact]
    public void EventNameFilterLogsOnlyThoseEvents()
    {
        var path = Path.Combine(_folder, "ends.jsonl");
        using var handler = new JsonlHandler(path, new[] { LlmEventName.LlmEnd, LlmEventName.LlmStart });
        _server.Enqueue(new FakeReply { Tokens = new List<string> { "a", "b" } });
        var outcome = ChatHarness.Run(ChatHarness.Client(_server), new ChatRequest { Prompt = "x", Stream = true }, new[] { handler });
        outcome.Ok.ToString();
        Assert.True(handler.Flush(Drain));
        // LlmStart is LangChain's text fallback for ChatModelStart.
        Assert.Equal(new[] { "LlmStart", "LlmEnd" }, ReadLines(path).Select(l => (string)l["eventName"]!));
        Assert.Equal(new[] { "LlmStart", "LlmEnd" }, handler.EventName);
    }

    [Fact]
    public async Task WritersInSeveralThreadsAndProcessesLeaveOnlyWholeLines()
    {
        var path = Path.Combine(_folder, "shared.jsonl");
        var payload = new string('x', 2000);
        const int perWriter = 1500;

        using var child = StartChildWriter(path, perWriter, payload.Length);
        // Read on a thread of its own: an async read of a pipe holds a pool thread on Unix, and the handlers' workers need the pool.
        var childErrors = child is null ? null : Task.Factory.StartNew(() => child.StandardError.ReadToEnd(), TaskCreationOptions.LongRunning);
        if (child is not null && await child.StandardOutput.ReadLineAsync() != "ready")
            Assert.Fail("child writer did not start: " + (child.WaitForExit(30_000) ? await childErrors! : "(still running)"));

        // The handlers' workers run on the thread pool, which the test runner keeps busy; without
        // spare threads they would write in late bursts instead of side by side.
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, 8), ioThreads);

        // Two handlers = two independent file handles, as two processes have; the child is a third.
        using var go = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(() =>
        {
            using var handler = new JsonlHandler(path);
            go.Wait();
            // Keep writing (gently) while the child does, so the writers really overlap.
            for (var i = 0; i < perWriter || (child is not null && !child.HasExited && i < 20 * perWriter); i++)
            {
                handler.Handle(TextLine($"thread{w}", i, payload));
                if (i % 5 == 4) Thread.Sleep(1);
            }
            Assert.True(handler.Flush(Drain));
            Assert.Equal(0, handler.Dropped);
            Assert.Equal(0, handler.Failed);
        }, TaskCreationOptions.LongRunning)).ToArray();
        go.Set();
        child?.StandardInput.WriteLine("go");
        await Task.WhenAll(writers);

        long childWritten = 0;
        if (child is not null)
        {
            Assert.True(child.WaitForExit(120_000), "child writer did not finish");
            var errors = await childErrors!;
            Assert.True(child.ExitCode == 0, "child writer failed: " + errors);
            var report = (await child.StandardOutput.ReadToEndAsync()).Trim().Split('\n').Last().Split(' ');
            childWritten = long.Parse(report[0]);
            Assert.Equal(perWriter, childWritten + long.Parse(report[1]));
            _output.WriteLine($"child pwsh wrote {childWritten} lines");
        }
        else
        {
            _output.WriteLine("pwsh not found: two writers in this process only");
        }

        var raw = File.ReadAllText(path);
        Assert.EndsWith("\n", raw);
        var lines = raw.Split('\n')[..^1];
        var byWriter = new Dictionary<string, List<int>>();
        var switches = 0;
        string? previous = null;
        foreach (var line in lines)
        {
            var json = JsonNode.Parse(line)!; // throws on a torn or interleaved line
            var parts = ((string)json["text"]!).Split(' ');
            Assert.Equal(payload, parts[2]);
            if (previous is not null && previous != parts[0]) switches++;
            previous = parts[0];
            if (!byWriter.TryGetValue(parts[0], out var seen)) byWriter[parts[0]] = seen = new List<int>();
            seen.Add(int.Parse(parts[1]));
        }
        _output.WriteLine(string.Join(", ", byWriter.Select(w => $"{w.Key}: {w.Value.Count}")) + $"; the writer changed {switches} times");
        foreach (var writer in new[] { "thread0", "thread1" })
            Assert.Equal(Enumerable.Range(0, byWriter[writer].Count), byWriter[writer]); // every line, in order
        if (child is not null) Assert.Equal(childWritten, byWriter.GetValueOrDefault("child")?.Count ?? 0);
    }

    [Fact]
    public async Task FullQueueDropsNewLinesWithoutWaiting()
    {
        if (OperatingSystem.IsWindows()) return; // needs a FIFO to stall the writer
        var fifo = Path.Combine(_folder, "stalled.fifo");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", new[] { fifo }) { UseShellExecute = false }))
            mkfifo!.WaitForExit();
        Assert.True(File.Exists(fifo));

        var handler = new JsonlHandler(fifo, capacity: 5);
        Task<string>? reading = null;
        try
        {
            // Opening a FIFO for writing waits for a reader: the worker is stuck on the first line.
            for (var i = 0; i < 100; i++) handler.Handle(TextLine("fifo", i, "payload"));
            Assert.InRange(handler.Dropped, 94, 95);
        }
        finally
        {
            reading = Task.Run(() => File.ReadAllText(fifo)); // releases the worker
        }
        Assert.True(handler.Flush(Drain));
        handler.Dispose();
        var lines = (await reading.WaitAsync(Drain)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(handler.Written, lines.Length);
        Assert.Equal(100, handler.Written + handler.Dropped);
        // Drop-newest keeps the first lines and the order; once the stalled worker takes a line, a
        // slot frees up and a later line may get in, so the written lines need not be contiguous.
        var numbers = lines.Select(l => int.Parse(((string)JsonNode.Parse(l)!["text"]!).Split(' ')[1])).ToArray();
        Assert.Equal(Enumerable.Range(0, 5), numbers.Take(5));
        Assert.Equal(numbers.OrderBy(n => n), numbers);
        Assert.Equal(numbers.Length, numbers.Distinct().Count());
    }

    [Fact]
    public void FailingDiskNeverTouchesTheChatAndIsCounted()
    {
        var folder = Path.Combine(_folder, "gone");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "log.jsonl");
        using var handler = new JsonlHandler(path);
        Directory.Delete(folder);

        _server.Enqueue(new FakeReply { Tokens = new List<string> { "still", " fine" } });
        var outcome = ChatHarness.Run(ChatHarness.Client(_server), new ChatRequest { Prompt = "x", Stream = true }, new[] { handler });
        Assert.Equal("still fine", outcome.Ok.Text);
        Assert.Empty(outcome.Sink.Reports);
        Assert.True(handler.Flush(Drain));
        Assert.Equal(outcome.Log.Events.Count, handler.Failed);
        Assert.Equal(0, handler.Written);
        Assert.NotNull(handler.LastError);

        // The folder comes back: the next lines are written (the file is reopened).
        Directory.CreateDirectory(folder);
        handler.Handle(TextLine("after", 0, "x"));
        Assert.True(handler.Flush(Drain));
        Assert.Equal(1, handler.Written);
        Assert.Single(ReadLines(path));
    }

    [Fact]
    public void DisposeWritesWhatIsQueuedAndThenIgnoresEvents()
    {
        var path = Path.Combine(_folder, "disposed.jsonl");
        var handler = new JsonlHandler(path);
        for (var i = 0; i < 200; i++) handler.Handle(TextLine("d", i, "x"));
        handler.Dispose();
        handler.Handle(TextLine("d", 999, "x"));
        Assert.Equal(200, ReadLines(path).Count);
        Assert.Equal(200, handler.Written);
        Assert.Contains("200 written", handler.ToString());
    }

    private (ChatOutcome Outcome, IReadOnlyList<JsonObject> Lines) ReplayRecording(string path, bool excludeContent)
    {
        var exchange = RecordedExchange.Load(Path.Combine(TestPaths.ChatTests, RecordingName + ".json")).Single();
        Assert.True(exchange.Streamed);
        var request = exchange.ToChatRequest();
        using var handler = new JsonlHandler(path, excludeContent: excludeContent);
        var outcome = ChatHarness.Run(ChatHarness.Client(_server, model: request.Model!), request, new[] { handler });
        Assert.Equal(exchange.ExpectedText, outcome.Ok.Text);
        Assert.True(handler.Flush(Drain));
        Assert.Equal(0, handler.Dropped);
        Assert.Equal(0, handler.Failed);
        return (outcome, ReadLines(path));
    }

    private static IReadOnlyList<JsonObject> ReadLines(string path) =>
        File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    private static TextEvent TextLine(string writer, int index, string payload) => new() { Text = $"{writer} {index} {payload}" };

    /// <summary>A pwsh process logging through the same engine assembly to the same file; null when pwsh is not installed.</summary>
    private Process? StartChildWriter(string path, int count, int payloadLength)
    {
        var pwsh = FindPwsh();
        if (pwsh is null) return null;
        var script = Path.Combine(_folder, "child-writer.ps1");
        File.WriteAllText(script, """
            param([string] $Bin, [string] $Path, [int] $Count, [int] $PayloadLength)
            $ErrorActionPreference = 'Stop'
            Add-Type -Path (Join-Path $Bin 'PsLlm.Abstractions.dll')
            Add-Type -Path (Join-Path $Bin 'PsLlm.Engine.dll')
            $h = [PsLlm.Engine.BuiltInHandlers]::Jsonl($Path, $null, $false)
            'ready'
            $null = [Console]::In.ReadLine() # go
            $payload = 'x' * $PayloadLength
            for ($i = 0; $i -lt $Count; $i++) {
                $h.Handle([PsLlm.TextEvent]@{ Text = "child $i $payload" })
                if ($i % 5 -eq 4) { [System.Threading.Thread]::Sleep(1) } # the pace of the other writers, so all overlap
            }
            $null = $h.Flush([timespan]::FromSeconds(60))
            "$($h.Written) $($h.Dropped)"
            $h.Dispose()
            """);
        var info = new ProcessStartInfo(pwsh) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-File", script, AppContext.BaseDirectory, path, count.ToString(), payloadLength.ToString() })
            info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static string? FindPwsh()
    {
        var name = OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh";
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
