using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Engine;

/// <summary>
/// The SQLite log as one PowerShell session sees it: at most one database written at a time
/// (Enable-LlmLog, Disable-LlmLog), and any database read (Get-LlmLog, Get-LlmUsage, Set-LlmPrice).
/// Reading the database being written first waits for the runs still queued, so a chat that just
/// ended is found. Runs the log lost (queue full, failed writes) are told through the
/// <c>warn</c> callbacks: always when logging stops, otherwise once per new loss.
/// </summary>
public sealed class LlmLog
{
    /// <summary>How long stopping, or reading the database being written, waits for queued runs.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private SqliteLogHandler? _writer;

    /// <summary>
    /// Where the log is unless a path is given: PSLLM_LOG_PATH, else logs.db in PsLlm's folder
    /// under the user's local application data (~/.local/share/PsLlm/logs.db on Linux).
    /// </summary>
    public static string DefaultPath => LlmLogLocation.Default;

    /// <summary>The handler writing the log while it is enabled (registered session-wide); null when it is not.</summary>
    public CallbackHandler? Writer => Active;

    /// <summary>Path, counts and schema version of the enabled log; null when it is not enabled.</summary>
    public LlmLogStatus? Status => Active?.Status();

    private SqliteLogHandler? Active => _writer is { IsDisposed: false } writer ? writer : null;

    /// <summary>True when the enabled log writes to <paramref name="path"/>.</summary>
    public bool IsWritingTo(string path) =>
        Active is { } writer && string.Equals(writer.DatabasePath, Path.GetFullPath(path), StringComparison.Ordinal);

    /// <summary>
    /// Starts logging to <paramref name="path"/>, creating the database and its folder when
    /// missing; a bad path throws <see cref="LlmException"/> now, not in the background. A log
    /// enabled before is stopped first (one log per session). Returns the new writer.
    /// </summary>
    public CallbackHandler Start(string path, Action<string> warn)
    {
        var handler = new SqliteLogHandler(path);
        Stop(warn);
        _writer = handler;
        return handler;
    }

    /// <summary>
    /// Stops logging: writes the runs still queued (waiting at most <see cref="DrainTimeout"/>),
    /// closes the database and warns about lost runs. Returns the log's final status; null when
    /// nothing was being logged.
    /// </summary>
    public LlmLogStatus? Stop(Action<string> warn)
    {
        if (_writer is not { } writer) return null;
        _writer = null;
        writer.Close(DrainTimeout);
        WarnAboutLosses(writer, warn, always: true);
        return writer.Status();
    }

    /// <summary>The database a read or a price goes to: <paramref name="path"/>, else the enabled log's, else <see cref="DefaultPath"/>.</summary>
    public string PathFor(string? path) => Path.GetFullPath(path ?? Active?.DatabasePath ?? DefaultPath);

    /// <summary>The runs matching <paramref name="query"/>, oldest first, with estimated costs.</summary>
    public IReadOnlyList<LlmLogEntry> Query(string? path, LogQuery query, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(query);
        LogTime.CheckRange(query.Since, query.Until);
        return Open(path, warn).Query(query);
    }

    /// <summary>The run tree <paramref name="runId"/> belongs to, root first with Depth set; empty when the run is not in the log.</summary>
    public IReadOnlyList<LlmLogEntry> Tree(string? path, Guid runId, Action<string> warn) => Open(path, warn).Tree(runId);

    /// <summary>Tokens and estimated cost of the model calls matching <paramref name="query"/>, grouped as it asks.</summary>
    public IReadOnlyList<LlmUsageSummary> Usage(string? path, UsageQuery query, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(query);
        LogTime.CheckRange(query.Since, query.Until);
        return Open(path, warn).Usage(query);
    }

    /// <summary>
    /// The models of the model calls in the log, the most recently used first (Tab on -Model when
    /// the server cannot say); none when there is no database yet.
    /// </summary>
    public IReadOnlyList<string> ModelNames(string? path) => new LlmLogStore(PathFor(path)).ModelNames();

    /// <summary>Throws LlmPriceNegative (InvalidInput) for a price below zero: checked before anything is asked or stored.</summary>
    public static void CheckPrice(LlmPrice price)
    {
        ArgumentNullException.ThrowIfNull(price);
        if (price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmPriceNegative", $"Prices cannot be negative ({price}).") { ParameterName = "InputPerMillion" };
    }

    /// <summary>Adds or replaces a price in the database's price table (creating the database when missing).</summary>
    public LlmPrice SetPrice(string? path, LlmPrice price, Action<string> warn)
    {
        CheckPrice(price);
        return Open(path, warn).SetPrice(price);
    }

    /// <summary>
    /// The store for a read: when it is the database being written, the runs queued so far are
    /// written first and new losses told.
    /// </summary>
    private LlmLogStore Open(string? path, Action<string> warn)
    {
        var store = new LlmLogStore(PathFor(path));
        if (Active is { } writer && string.Equals(writer.DatabasePath, store.DatabasePath, StringComparison.Ordinal))
        {
            if (!writer.Flush(DrainTimeout))
                warn("The log is still writing earlier runs; the most recent may be missing.");
            WarnAboutLosses(writer, warn, always: false);
        }
        return store;
    }

    private static void WarnAboutLosses(SqliteLogHandler handler, Action<string> warn, bool always)
    {
        var fresh = handler.TakeUnreportedLosses();
        if (!always && fresh == 0) return;
        if (handler.Dropped == 0 && handler.Failed == 0) return;
        var reason = handler.LastError is { } last ? $" Last failure: {last}" : string.Empty;
        warn($"{handler.Dropped + handler.Failed} runs were not logged to '{handler.DatabasePath}': {handler.Dropped} dropped because the write queue was full (at most {handler.Capacity} waiting), {handler.Failed} failed.{reason}");
    }
}
