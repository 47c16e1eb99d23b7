using Microsoft.Data.Sqlite;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Opens the log database ready for concurrent use: WAL journal (readers never block the writer,
/// and several processes may log to the same file), a busy timeout so a writer waits for another
/// rather than failing, synchronous=NORMAL (a commit is durable once the WAL is checkpointed; a
/// power cut may lose the last few runs, never corrupt the file), and the schema migrated.
/// Connections are not pooled, so closing one releases the file.
/// </summary>
internal static class LlmLogDatabase
{
    /// <summary>How long a statement waits for another connection's lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Opens (creating the file and its folder when <paramref name="create"/>) and migrates.</summary>
    public static SqliteConnection Open(string path, bool create = true)
    {
        if (!create && !File.Exists(path))
            throw new LlmException(LlmErrorKind.NotFound, "LlmLogNotFound",
                $"There is no log database at '{path}'.")
            { RecommendedAction = "Run Enable-LlmLog first, or give the database with -Path." };

        SqliteConnection? connection = null;
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (create && !string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            }.ToString());
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};");
            EnableWal(connection);
            Execute(connection, "PRAGMA synchronous = NORMAL;");
            LlmLogSchema.Migrate(connection, path);
            EnsureIdentity(connection);
            return connection;
        }
        catch (Exception error) when (error is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw Unavailable(path, error);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>The error for a log that cannot be opened or written; never hides the cause.</summary>
    public static LlmException Unavailable(string path, Exception cause) =>
        new(LlmErrorKind.InvalidInput, "LlmLogUnavailable", $"The log database '{path}' cannot be used: {cause.Message}", cause)
        { RecommendedAction = "Check the path and its permissions, or give another file with -Path." };

    // Switching to WAL needs a moment without other connections in the middle of a transaction;
    // WAL is persistent, so this only waits on the first open of a new file.
    private static void EnableWal(SqliteConnection connection)
    {
        var deadline = DateTime.UtcNow + BusyTimeout;
        while (true)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = command.ExecuteScalar() as string;
                if (string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) || DateTime.UtcNow >= deadline) return;
            }
            catch (SqliteException busy) when (busy.SqliteErrorCode is 5 or 6 && DateTime.UtcNow < deadline) { }
            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// The database's identity: a random number in the file's header (SQLite's application_id),
    /// given once when the file is new. A logger compares it before each write, so a file deleted
    /// or replaced while it logs is noticed instead of written into the void.
    /// </summary>
    public static int Identity(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA application_id;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The identity of the file now at <paramref name="path"/>, read through a connection of its own; null when there is no file.</summary>
    public static int? IdentityAt(string path)
    {
        if (!File.Exists(path)) return null;
        using var probe = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        probe.Open();
        return Identity(probe);
    }

    private static void EnsureIdentity(SqliteConnection connection)
    {
        if (Identity(connection) != 0) return;
        using var transaction = connection.BeginTransaction(deferred: false); // one process names the file
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA application_id;";
        if (Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            command.CommandText = $"PRAGMA application_id = {Random.Shared.Next(1, int.MaxValue)};";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
