using Microsoft.Data.Sqlite;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Logs every run it sees to a SQLite database (Enable-LlmLog). On the chat's thread it only
/// assembles each run's record from its events; the record is written by one background worker
/// through a <see cref="BoundedWorkQueue{T}"/>, so the log never slows or breaks a chat.
/// Overflow policy: when <see cref="Capacity"/> finished runs are waiting (the disk or a lock
/// held by another process is slower than the chats), further runs are dropped, not waited for,
/// and counted in <see cref="Dropped"/>; a write that fails is counted in <see cref="Failed"/>
/// with its message in <see cref="LastError"/>. The handler itself never throws into the chat.
/// Secrets are never recorded: events carry no key or header values, and of the endpoint only
/// the host is kept.
/// </summary>
internal sealed class SqliteLogHandler : CallbackHandler, IRecordingHandler, IDisposable
{
    public const int DefaultCapacity = 1024;

    private readonly LogEntryAssembler _assembler = new();
    private readonly object _gate = new();
    private readonly BoundedWorkQueue<LlmLogEntry> _queue;
    private SqliteConnection? _connection; // used by the queue's worker only
    private readonly int _identity;
    private long _written;
    private long _handlerErrors;
    private readonly LossTally _losses = new();
    private string? _lastError;
    private int _disposed;

    /// <summary>Opens (creating and migrating) the database now, so a bad path fails here rather than later in the background.</summary>
    public SqliteLogHandler(string path, int capacity = DefaultCapacity)
    {
        DatabasePath = Path.GetFullPath(path);
        using (var connection = LlmLogDatabase.Open(DatabasePath))
        {
            SchemaVersion = LlmLogSchema.ReadVersion(connection);
            _identity = LlmLogDatabase.Identity(connection);
        }
        Capacity = capacity;
        Name = "LlmLog";
        _queue = new BoundedWorkQueue<LlmLogEntry>(capacity, Write, (_, error) => Volatile.Write(ref _lastError, error.Message));
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string DatabasePath { get; }
    public int SchemaVersion { get; }
    /// <summary>Finished runs that may wait to be written before new ones are dropped.</summary>
    public int Capacity { get; }
    public long Written => Interlocked.Read(ref _written);
    public long Dropped => _queue.Dropped;
    /// <summary>Runs that could not be written, or whose events could not be read.</summary>
    public long Failed => _queue.Failed + Interlocked.Read(ref _handlerErrors);
    public string? LastError => Volatile.Read(ref _lastError);
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public override void Handle(LlmEvent e)
    {
        if (IsDisposed) return;
        List<LlmLogEntry>? finished;
        try
        {
            lock (_gate) finished = _assembler.Add(e);
        }
        catch (Exception error)
        {
            Interlocked.Increment(ref _handlerErrors);
            Volatile.Write(ref _lastError, $"{e.EventName}: {error.Message}");
            return;
        }
        if (finished is null) return;
        foreach (var record in finished) _queue.TryEnqueue(record);
    }

    /// <summary>Waits until every run finished so far is written (or the timeout passes); true when all were.</summary>
    public bool Flush(TimeSpan timeout) => _queue.Flush(timeout);

    /// <summary>
    /// Runs lost (dropped or failed) since the last call, for a warning that is given once per
    /// loss rather than on every command.
    /// </summary>
    public long TakeUnreportedLosses() => _losses.TakeUnreported(Dropped + Failed);

    public LlmLogStatus Status() => new()
    {
        Path = DatabasePath,
        Enabled = !IsDisposed,
        Written = Written,
        Dropped = Dropped,
        Failed = Failed,
        LastError = LastError,
        SchemaVersion = SchemaVersion,
    };

    private Task Write(LlmLogEntry record, CancellationToken cancellationToken)
    {
        try
        {
            // A connection keeps writing to a file deleted under it (on Unix), and never sees a new
            // file put in its place: both would lose runs silently. They fail, and are counted, instead.
            switch (LlmLogDatabase.IdentityAt(DatabasePath))
            {
                case null:
                    throw new IOException($"The log database '{DatabasePath}' was deleted while logging; this run is not written. Enable-LlmLog starts a new one.");
                case var found when found != _identity:
                    throw new IOException($"The log database '{DatabasePath}' was replaced by another file while logging; this run is not written. Enable-LlmLog again to log into the new file.");
            }
            _connection ??= LlmLogDatabase.Open(DatabasePath);
            LogEntryWriter.Write(_connection, record);
            Interlocked.Increment(ref _written);
            return Task.CompletedTask;
        }
        catch
        {
            // Start again with a fresh connection next time (the file may have been replaced).
            _connection?.Dispose();
            _connection = null;
            throw;
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Close(TimeSpan.FromSeconds(2));

    /// <summary>Stops logging: writes what is queued (waiting at most <paramref name="drainTimeout"/>) and closes the database.</summary>
    public void Close(TimeSpan drainTimeout)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _queue.Complete(drainTimeout);
        _queue.Dispose();
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => Close(TimeSpan.FromSeconds(10));

    public override string ToString() => $"LlmLog → {DatabasePath}";
}
