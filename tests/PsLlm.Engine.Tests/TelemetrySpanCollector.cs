using System.Diagnostics;
using PsLlm.Engine.Observability.Telemetry;

namespace PsLlm.Engine.Tests;

/// <summary>
/// An ActivityListener on the "PsLlm" source (and the tests' own "PsLlm.Tests" source, for outer
/// spans), keeping every span that ends while it listens — what any third-party listener sees.
/// </summary>
internal sealed class TelemetrySpanCollector : IDisposable
{
    public static readonly ActivitySource TestSource = new("PsLlm.Tests");
    private readonly ActivityListener _listener;
    private readonly List<Activity> _spans = new();

    public TelemetrySpanCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GenAiTelemetry.SourceName or "PsLlm.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name != GenAiTelemetry.SourceName) return;
                lock (_spans) _spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The PsLlm spans of the given runs (by psllm.run.id), in the order they ended.</summary>
    public IReadOnlyList<Activity> For(IEnumerable<LlmEvent> events)
    {
        var runs = events.Select(e => e.RunId.ToString()).ToHashSet();
        lock (_spans) return _spans.Where(s => runs.Contains(s.GetTagItem(GenAiConventions.RunId) as string ?? "")).ToArray();
    }

    public IReadOnlyList<Activity> All { get { lock (_spans) return _spans.ToArray(); } }

    public void Dispose() => _listener.Dispose();
}
