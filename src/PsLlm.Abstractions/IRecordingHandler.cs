namespace PsLlm;

/// <summary>
/// A handler that records events in the background (a file, a collector, a database) and may
/// lose some without the chat waiting: what it lost, so that the chat in which a loss happened
/// can say so once. The JSONL, webhook and SQLite-log handlers are recording handlers; a chat
/// warns once for each loss of any recording handler it ran with.
/// </summary>
public interface IRecordingHandler
{
    /// <summary>The handler's name, as warnings show it.</summary>
    string Name { get; }

    /// <summary>Records dropped because the handler's queue was full.</summary>
    long Dropped { get; }

    /// <summary>Records that could not be written or sent.</summary>
    long Failed { get; }

    /// <summary>Why the last failure happened; null when none has.</summary>
    string? LastError { get; }

    /// <summary>Records lost (dropped or failed) since the last call, so a loss is told once.</summary>
    long TakeUnreportedLosses();
}
