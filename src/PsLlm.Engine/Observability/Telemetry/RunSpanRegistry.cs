namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// The open spans of the process, by run id, shared by every span handler. A run seen by two
/// OpenTelemetry handlers (one registered for the session, one given with -Callback) gets ONE
/// span, started by the first and ended by whichever sees the end first, so exporters and
/// listeners never get duplicates and a child finds its parent's span whoever started it.
/// </summary>
internal static class RunSpanRegistry
{
    private static readonly OpenRuns<RunSpan> Open = new(limit: 10_000);

    public static bool TryAdd(Guid runId, RunSpan span) => Open.Add(runId, span, DateTimeOffset.UtcNow);

    public static bool IsOpen(Guid runId) => Open.IsOpen(runId);

    public static RunSpan? Find(Guid? runId) => Open.Find(runId);

    public static RunSpan? Remove(Guid runId) => Open.TryTake(runId, out var span) ? span : null;
}
