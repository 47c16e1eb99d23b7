using System.Collections.Concurrent;

namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// The open spans of the process, by run id, shared by every span handler. A run seen by two
/// OpenTelemetry handlers (one registered for the session, one given with -Callback) gets ONE
/// span, started by the first and ended by whichever sees the end first, so exporters and
/// listeners never get duplicates and a child finds its parent's span whoever started it.
/// </summary>
internal static class RunSpanRegistry
{
    private static readonly ConcurrentDictionary<Guid, RunSpan> Open = new();

    public static bool TryAdd(Guid runId, RunSpan span) => Open.TryAdd(runId, span);

    public static bool IsOpen(Guid runId) => Open.ContainsKey(runId);

    public static RunSpan? Find(Guid? runId) =>
        runId is { } id && Open.TryGetValue(id, out var span) ? span : null;

    public static RunSpan? Remove(Guid runId) => Open.TryRemove(runId, out var span) ? span : null;
}
