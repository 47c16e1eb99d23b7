using Microsoft.Data.Sqlite;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// The log database's layout, versioned in <c>PRAGMA user_version</c>. Each migration takes the
/// database from the version before it to its own; they run in order, in one BEGIN IMMEDIATE
/// transaction, so two processes opening an old database at once migrate it exactly once (the
/// second waits, then finds it current). A database newer than this code is refused rather than
/// written with a layout it does not know. Never edit a shipped migration: add the next one.
/// </summary>
internal static class LlmLogSchema
{
    /// <summary>The version this code writes and reads.</summary>
    public static int CurrentVersion => Migrations.Count;

    /// <summary>Migrations[i] takes version i to version i + 1.</summary>
    public static IReadOnlyList<string> Migrations { get; } = new[]
    {
        // v1: one row per run (chain, llm or tool), linked to its parent; tags in their own table so
        // -Tag and -GroupBy Tag use an index.
        """
        CREATE TABLE runs (
            seq           INTEGER PRIMARY KEY,
            id            TEXT NOT NULL UNIQUE,
            parent_id     TEXT,
            kind          TEXT NOT NULL,
            name          TEXT,
            status        TEXT NOT NULL,
            started_at    TEXT NOT NULL,
            ended_at      TEXT,
            duration_ms   REAL,
            model         TEXT,
            endpoint_host TEXT,
            prompt        TEXT,
            messages_json TEXT,
            response      TEXT,
            finish_reason TEXT,
            input_tokens  INTEGER,
            output_tokens INTEGER,
            total_tokens  INTEGER,
            tags_json     TEXT,
            metadata_json TEXT,
            error         TEXT
        );
        CREATE INDEX runs_started_at ON runs(started_at);
        CREATE INDEX runs_parent_id ON runs(parent_id);
        CREATE TABLE run_tags (
            run_id TEXT NOT NULL,
            tag    TEXT NOT NULL,
            PRIMARY KEY (run_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX run_tags_tag ON run_tags(tag);
        """,

        // v2: timings, cached/reasoning tokens, tool calls, error details; full-text search over
        // prompts and responses (FTS5, kept in step by triggers, filled from the rows v1 wrote);
        // user prices for Get-LlmUsage.
        """
        ALTER TABLE runs ADD COLUMN response_model TEXT;
        ALTER TABLE runs ADD COLUMN ttft_ms REAL;
        ALTER TABLE runs ADD COLUMN cached_input_tokens INTEGER;
        ALTER TABLE runs ADD COLUMN reasoning_tokens INTEGER;
        ALTER TABLE runs ADD COLUMN tool_calls_json TEXT;
        ALTER TABLE runs ADD COLUMN tool_call_id TEXT;
        ALTER TABLE runs ADD COLUMN inputs_json TEXT;
        ALTER TABLE runs ADD COLUMN error_id TEXT;
        ALTER TABLE runs ADD COLUMN status_code INTEGER;
        ALTER TABLE runs ADD COLUMN response_id TEXT;
        CREATE INDEX runs_kind_started_at ON runs(kind, started_at);
        CREATE INDEX runs_model ON runs(model);

        CREATE VIRTUAL TABLE runs_fts USING fts5(
            prompt, response,
            content = 'runs', content_rowid = 'seq',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER runs_fts_insert AFTER INSERT ON runs BEGIN
            INSERT INTO runs_fts(rowid, prompt, response) VALUES (new.seq, new.prompt, new.response);
        END;
        CREATE TRIGGER runs_fts_delete AFTER DELETE ON runs BEGIN
            INSERT INTO runs_fts(runs_fts, rowid, prompt, response) VALUES ('delete', old.seq, old.prompt, old.response);
        END;
        CREATE TRIGGER runs_fts_update AFTER UPDATE OF prompt, response ON runs BEGIN
            INSERT INTO runs_fts(runs_fts, rowid, prompt, response) VALUES ('delete', old.seq, old.prompt, old.response);
            INSERT INTO runs_fts(rowid, prompt, response) VALUES (new.seq, new.prompt, new.response);
        END;
        INSERT INTO runs_fts(runs_fts) VALUES ('rebuild');

        CREATE TABLE prices (
            model                    TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            input_per_million        TEXT NOT NULL,
            output_per_million       TEXT NOT NULL,
            cached_input_per_million TEXT,
            currency                 TEXT NOT NULL DEFAULT 'USD',
            updated_at               TEXT NOT NULL
        );
        """,
    };

    /// <summary>
    /// Brings the database to <see cref="CurrentVersion"/>; returns the version it found. Throws
    /// <see cref="LlmException"/> (LlmLogTooNew) for a database written by a newer PsLlm.
    /// </summary>
    public static int Migrate(SqliteConnection connection, string path)
    {
        var found = ReadVersion(connection);
        if (found == CurrentVersion) return found;
        if (found > CurrentVersion) throw TooNew(path, found);

        using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrator at a time
        found = ReadVersion(connection, transaction);
        if (found > CurrentVersion) throw TooNew(path, found);
        for (var version = found; version < CurrentVersion; version++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
        return found;
    }

    public static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static LlmException TooNew(string path, int found) =>
        new(LlmErrorKind.InvalidInput, "LlmLogTooNew",
            $"The log database '{path}' has schema version {found}, newer than this PsLlm understands ({CurrentVersion}); it was left unchanged.")
        { RecommendedAction = "Update PsLlm, or use another file with Enable-LlmLog -Path." };
}
