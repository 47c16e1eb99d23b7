using Microsoft.Data.Sqlite;
using PsLlm.Engine.Observability.Logging;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The schema's versions: a database from an older PsLlm is migrated in place with its rows kept; a newer one is refused untouched.</summary>
public sealed class LlmLogMigrationTests : IDisposable
{
    private readonly TempLogFile _log = new();

    public void Dispose() => _log.Dispose();

    // The layout PsLlm's first log shipped with, written out here by hand (not taken from
    // LlmLogSchema) so the test keeps describing that old file even if the code changes.
    private const string VersionOneSchema = """
        CREATE TABLE runs (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, parent_id TEXT, kind TEXT NOT NULL, name TEXT,
            status TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, duration_ms REAL, model TEXT,
            endpoint_host TEXT, prompt TEXT, messages_json TEXT, response TEXT, finish_reason TEXT,
            input_tokens INTEGER, output_tokens INTEGER, total_tokens INTEGER, tags_json TEXT, metadata_json TEXT, error TEXT);
        CREATE INDEX runs_started_at ON runs(started_at);
        CREATE INDEX runs_parent_id ON runs(parent_id);
        CREATE TABLE run_tags (run_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (run_id, tag)) WITHOUT ROWID;
        CREATE INDEX run_tags_tag ON run_tags(tag);
        PRAGMA user_version = 1;
        """;

    private static readonly Guid OldChain = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid OldLlm = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private void CreateVersionOne()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_log.Path)!);
        using var connection = new SqliteConnection($"Data Source={_log.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = VersionOneSchema + $$"""
            INSERT INTO runs (id, parent_id, kind, name, status, started_at, ended_at, duration_ms, model, endpoint_host, prompt, messages_json, response, finish_reason, input_tokens, output_tokens, total_tokens, tags_json, metadata_json)
            VALUES ('{{OldChain:D}}', NULL, 'chain', 'Invoke-LlmChat', 'ok', '2024-12-01T09:00:00.000Z', '2024-12-01T09:00:01.000Z', 1000, NULL, NULL,
                    'What is a heron?', NULL, 'A heron is a wading bird.', 'stop', 9, 7, 16, '["old"]', '{"user":"ada"}'),
                   ('{{OldLlm:D}}', '{{OldChain:D}}', 'llm', 'gpt-4o-mini', 'ok', '2024-12-01T09:00:00.100Z', '2024-12-01T09:00:00.900Z', 800, 'gpt-4o-mini', 'api.openai.com',
                    'What is a heron?', '[{"role":"user","content":"What is a heron?"}]', 'A heron is a wading bird.', 'stop', 9, 7, 16, '["old"]', NULL);
            INSERT INTO run_tags VALUES ('{{OldChain:D}}', 'old'), ('{{OldLlm:D}}', 'old');
            """;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void VersionOneDatabaseIsMigratedAndKeepsItsRows()
    {
        CreateVersionOne();
        Assert.Equal(LlmLogSchema.CurrentVersion, _log.Store.Initialize());
        Assert.True(LlmLogSchema.CurrentVersion >= 2);

        var old = _log.Store.Query(new LogQuery { Last = 0 });
        Assert.Equal(new[] { OldChain, OldLlm }, old.Select(r => r.RunId));
        var llm = old[1];
        Assert.Equal(("gpt-4o-mini", "api.openai.com", "A heron is a wading bird."), (llm.Model, llm.EndpointHost, llm.Response));
        Assert.Equal(16, llm.Usage!.TotalTokens);
        Assert.Equal(0, llm.Usage.CachedInputTokens); // a column v1 did not have
        Assert.Null(llm.TimeToFirstToken);
        Assert.Equal("What is a heron?", llm.Messages.Single().Content);
        Assert.Equal("ada", old[0].Metadata["user"]);
        Assert.Equal(OldChain, llm.ParentRunId);

        // The full-text index was filled from the old rows, and tags still filter.
        Assert.Equal(new[] { OldChain, OldLlm }, _log.Store.Query(new LogQuery { Search = "heron", Last = 0 }).Select(r => r.RunId));
        Assert.Equal(2, _log.Store.Query(new LogQuery { Tags = new[] { "old" }, Last = 0 }).Count);
        Assert.Equal(new[] { OldChain, OldLlm }, _log.Store.Tree(OldLlm).Select(r => r.RunId));

        // New runs go in beside them, with the columns v2 added, and prices can be set.
        _log.Store.Write(new[] { TempLogFile.Llm("gpt-4o-mini", "Herons again", "Still birds.", cached: 2) with { TimeToFirstToken = TimeSpan.FromMilliseconds(40) } });
        var fresh = _log.Store.Query(new LogQuery { Search = "herons again" }).Single();
        Assert.Equal(TimeSpan.FromMilliseconds(40), fresh.TimeToFirstToken);
        Assert.Equal(2, fresh.Usage!.CachedInputTokens);
        _log.Store.SetPrice(new LlmPrice { Model = "llama*", InputPerMillion = 1, OutputPerMillion = 1 });

        // Opening again finds it current and changes nothing.
        Assert.Equal(LlmLogSchema.CurrentVersion, _log.Store.Initialize());
        Assert.Equal(3, _log.Store.Query(new LogQuery { Last = 0 }).Count);
    }

    [Fact]
    public void NewDatabaseIsCreatedWithItsFolderInWalModeAtTheCurrentVersion()
    {
        Assert.False(File.Exists(_log.Path));
        Assert.Equal(LlmLogSchema.CurrentVersion, _log.Store.Initialize());
        using var connection = new SqliteConnection($"Data Source={_log.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version;";
        Assert.Equal((long)LlmLogSchema.CurrentVersion, command.ExecuteScalar());
    }

    [Fact]
    public void DatabaseFromANewerVersionIsRefusedAndLeftAlone()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_log.Path)!);
        using (var connection = new SqliteConnection($"Data Source={_log.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE future (x); PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<LlmException>(() => new SqliteLogHandler(_log.Path));
        Assert.Equal("LlmLogTooNew", error.ErrorId);
        Assert.Contains("99", error.Message);
        using (var connection = new SqliteConnection($"Data Source={_log.Path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(99, LlmLogSchema.ReadVersion(connection));
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'runs';";
            Assert.Equal(0L, command.ExecuteScalar());
        }
    }

    [Fact]
    public void SeveralConnectionsMigratingAtOnceMigrateOnce()
    {
        CreateVersionOne();
        var versions = new int[4];
        Parallel.For(0, versions.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => versions[i] = _log.Store.Initialize());
        Assert.All(versions, v => Assert.Equal(LlmLogSchema.CurrentVersion, v));
        Assert.Equal(2, _log.Store.Query(new LogQuery { Search = "heron", Last = 0 }).Count); // indexed once, not twice
    }

    [Fact]
    public void AFileThatIsNotADatabaseIsAClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_log.Path)!);
        File.WriteAllText(_log.Path, "this is not sqlite, just a text file that happens to be long enough to have a header");
        var error = Assert.Throws<LlmException>(() => _log.Store.Initialize());
        Assert.Equal("LlmLogUnavailable", error.ErrorId);
        Assert.Contains(_log.Path, error.Message);
    }
}
