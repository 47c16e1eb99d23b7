using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Observability.Logging;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Several writers on one log file at once, each with its own connection as separate sessions or
/// processes would have: WAL and the busy timeout make them take turns, and no run is lost.
/// (tests/Pester/Observability.Log.Tests.ps1 does the same with a second pwsh process.)
/// </summary>
public sealed class LlmLogConcurrencyTests : IDisposable
{
    private readonly TempLogFile _log = new();

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task TwoConnectionsWritingManyRunsAtOnceLoseNone()
    {
        const int perWriter = 300;
        _log.Store.Initialize();
        using var start = new Barrier(3);
        var readsWhileWriting = 0;
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(() =>
        {
            using var connection = LlmLogDatabase.Open(_log.Path);
            start.SignalAndWait();
            for (var i = 0; i < perWriter; i++)
                LogEntryWriter.Write(connection, TempLogFile.Llm($"model-{w}", $"writer{w} prompt {i}", $"answer {i}", tags: new[] { $"w{w}" }));
        }, TaskCreationOptions.LongRunning)).ToArray();
        var reader = Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            while (!writers.All(t => t.IsCompleted))
            {
                _log.Store.Query(new LogQuery { Last = 5 }); // readers never wait for the writers in WAL mode
                readsWhileWriting++;
            }
        }, TaskCreationOptions.LongRunning);

        await Task.WhenAll(writers.Append(reader)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.All(writers, t => Assert.True(t.IsCompletedSuccessfully, t.Exception?.ToString()));
        Assert.True(reader.IsCompletedSuccessfully, reader.Exception?.ToString());
        Assert.Equal(2 * perWriter, _log.Store.Query(new LogQuery { Last = 0 }).Count);
        Assert.Equal(perWriter, _log.Store.Query(new LogQuery { Last = 0, Tags = new[] { "w1" } }).Count);
        Assert.Equal(perWriter, _log.Store.Query(new LogQuery { Last = 0, Search = "writer0" }).Count);
        Assert.True(readsWhileWriting > 0);
    }

    [Fact]
    public void TwoHandlersOnOneFileLogEveryRun()
    {
        const int perHandler = 200;
        using var first = new SqliteLogHandler(_log.Path);
        using var second = new SqliteLogHandler(_log.Path);
        var sink = new CollectingErrorSink();
        Parallel.ForEach(new[] { first, second }, new ParallelOptions { MaxDegreeOfParallelism = 2 }, handler =>
        {
            for (var i = 0; i < perHandler; i++)
            {
                var chain = CallbackManager.StartRoot(new CallbackScope { Local = new[] { handler } }, sink);
                chain.Raise(new ChainStartEvent { Name = "concurrent", Inputs = new Dictionary<string, object?> { ["prompt"] = $"prompt {i}" } });
                chain.Raise(new ChainEndEvent { Name = "concurrent", Outputs = $"answer {i}" });
            }
        });
        Assert.True(first.Flush(TimeSpan.FromMinutes(1)));
        Assert.True(second.Flush(TimeSpan.FromMinutes(1)));

        Assert.Empty(sink.Reports);
        Assert.Equal((perHandler, perHandler), (first.Written, second.Written));
        Assert.Equal(0, first.Dropped + first.Failed + second.Dropped + second.Failed);
        Assert.Equal(2 * perHandler, _log.Store.Query(new LogQuery { Last = 0 }).Count);
    }
}
