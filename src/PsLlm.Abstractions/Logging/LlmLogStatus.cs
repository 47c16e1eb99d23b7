namespace PsLlm;

/// <summary>
/// The state of the SQLite log (Enable-LlmLog -PassThru, Disable-LlmLog -PassThru): where it writes
/// and how many runs were written, dropped because the write queue was full, or failed to write.
/// </summary>
public sealed class LlmLogStatus
{
    /// <summary>The database file.</summary>
    public string Path { get; init; } = string.Empty;
    /// <summary>True while this session logs to it.</summary>
    public bool Enabled { get; init; }
    /// <summary>Runs written to the database.</summary>
    public long Written { get; init; }
    /// <summary>Runs not logged because the write queue was full (the chat never waits for the log).</summary>
    public long Dropped { get; init; }
    /// <summary>Runs whose write failed (database locked too long, disk full, …).</summary>
    public long Failed { get; init; }
    /// <summary>The last write failure's message.</summary>
    public string? LastError { get; init; }
    /// <summary>The database's schema version.</summary>
    public int SchemaVersion { get; init; }

    /// <summary>The path, whether logging is on, and the counts.</summary>
    public override string ToString() => $"{Path} ({(Enabled ? "enabled" : "disabled")}, {Written} written, {Dropped} dropped, {Failed} failed)";
}
