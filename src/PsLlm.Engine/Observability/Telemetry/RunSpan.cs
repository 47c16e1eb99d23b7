using System.Diagnostics;

namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// One open run (chain, chat model call or tool) and what its end needs: its span (null when no
/// listener wanted one — the run is still tracked, because metrics are recorded without spans),
/// the Activity.Current to restore, whether content is captured, and the metric tags of a chat.
/// </summary>
internal sealed class RunSpan
{
    public RunSpan(Activity? activity, Activity? previous, bool captureContent, DateTimeOffset started)
    {
        Activity = activity;
        Previous = previous;
        CaptureContent = captureContent;
        Started = started;
    }

    public Activity? Activity { get; }
    /// <summary>Activity.Current before this span started; put back when it ends, so nothing leaks.</summary>
    public Activity? Previous { get; }
    public bool CaptureContent { get; }
    public DateTimeOffset Started { get; }
    /// <summary>For a chat: operation, provider, request model, server — the attributes every metric carries.</summary>
    public KeyValuePair<string, object?>[] MetricTags { get; set; } = Array.Empty<KeyValuePair<string, object?>>();
    public bool Streaming { get; set; }
}
