using PsLlm.Engine.Observability;
using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Benchmarks.Handlers;

/// <summary>
/// The handler sets the benchmarks compare. To measure another kind of handler, add a factory
/// here and one [Benchmark] method per benchmark class that passes it to the shared runner; the
/// per-token table picks new methods up by itself.
/// </summary>
internal static class BenchHandlers
{
    /// <summary>No handler at all: the engine's own cost (queue, events, state) with nobody listening.</summary>
    public static IReadOnlyList<CallbackHandler> None { get; } = Array.Empty<CallbackHandler>();

    /// <summary>One in-process C# handler that counts tokens.</summary>
    public static IReadOnlyList<CallbackHandler> CSharp(CountingHandler counter) => new CallbackHandler[] { counter };

    /// <summary>One C# AsyncCallbackHandler (a queue big enough that nothing is dropped while measuring).</summary>
    public static IReadOnlyList<CallbackHandler> Async(CountingAsyncHandler handler) => new CallbackHandler[] { handler };

    /// <summary>The JSONL handler, one line per event, in <paramref name="folder"/>.</summary>
    public static JsonlHandler Jsonl(string folder) => new(Path.Combine(folder, "events.jsonl"));

    /// <summary>The SQLite log handler, one row per run, in <paramref name="folder"/>.</summary>
    public static SqliteLogHandler Sqlite(string folder) => new(Path.Combine(folder, "logs.db"));
}
