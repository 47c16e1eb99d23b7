using Microsoft.Data.Sqlite;
using PsLlm.Engine.Observability.Pricing;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// The log database by path, for the cmdlets: every call opens its own short-lived connection,
/// so several PowerShell sessions and processes can read and write the same file. Only public
/// PsLlm types cross this boundary: the cmdlets live in PowerShell's load context and must not
/// touch SQLite's types, which load in the engine's. SQLite failures become
/// <see cref="LlmException"/> (LlmLogUnavailable).
/// </summary>
internal sealed class LlmLogStore
{
    public LlmLogStore(string path) => DatabasePath = Path.GetFullPath(path);

    public string DatabasePath { get; }

    public bool Exists => File.Exists(DatabasePath);

    /// <summary>Creates the database (and its folder) when missing, migrates it, returns its schema version.</summary>
    public int Initialize() => Use(create: true, c => LlmLogSchema.ReadVersion(c));

    /// <summary>Runs matching <paramref name="query"/>, the most recent last, with estimated costs.</summary>
    public IReadOnlyList<LlmLogEntry> Query(LogQuery query) =>
        Use(create: false, c => LlmLogReader.Query(c, query, PriceStore.Table(c)));

    /// <summary>The run tree <paramref name="runId"/> belongs to, root first; empty when the run is not logged.</summary>
    public IReadOnlyList<LlmLogEntry> Tree(Guid runId) =>
        Use(create: false, c => LlmLogReader.Tree(c, runId, PriceStore.Table(c)));

    public IReadOnlyList<LlmUsageSummary> Usage(UsageQuery query) =>
        Use(create: false, c => LlmUsageReader.Read(c, query, PriceStore.Table(c)));

    /// <summary>The models of the logged model calls, the most recently used first; none when there is no database.</summary>
    public IReadOnlyList<string> ModelNames() =>
        Exists ? Use(create: false, LlmLogReader.ModelNames) : Array.Empty<string>();

    /// <summary>Adds or replaces a user price, creating the database when missing.</summary>
    public LlmPrice SetPrice(LlmPrice price) => Use(create: true, c => PriceStore.Set(c, price));

    /// <summary>The user's prices and the built-in ones, the user's first.</summary>
    public IReadOnlyList<LlmPrice> Prices() =>
        Exists ? Use(create: false, c => PriceStore.Table(c).All) : PriceTable.BuiltIn.All;

    /// <summary>Writes finished runs directly (tests, imports); chats log through <see cref="SqliteLogHandler"/>.</summary>
    public void Write(IReadOnlyCollection<LlmLogEntry> runs) => Use(create: true, c =>
    {
        LogEntryWriter.Write(c, runs);
        return 0;
    });

    private T Use<T>(bool create, Func<SqliteConnection, T> work)
    {
        using var connection = LlmLogDatabase.Open(DatabasePath, create);
        try
        {
            return work(connection);
        }
        catch (SqliteException error)
        {
            throw LlmLogDatabase.Unavailable(DatabasePath, error);
        }
    }
}
