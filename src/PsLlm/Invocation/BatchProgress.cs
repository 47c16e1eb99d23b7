using System.Diagnostics;
using System.Management.Automation;

namespace PsLlm.Invocation;

/// <summary>
/// Write-Progress for a pipeline of chats: chats done, failed and in flight, and the pace. Shown
/// only once the pipeline has run for a couple of seconds (a single quick chat shows nothing),
/// updated at most a few times a second, and completed at the end; $ProgressPreference applies.
/// </summary>
internal sealed class BatchProgress(Cmdlet cmdlet, string activity)
{
    private static readonly TimeSpan ShowAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan UpdateEvery = TimeSpan.FromMilliseconds(250);
    // One activity id per cmdlet type would make nested pipelines overwrite each other's bar.
    private readonly int _activityId = Math.Abs(HashCode.Combine(activity, cmdlet.GetHashCode())) % 100_000 + 1;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastShown = -UpdateEvery;
    private int _started;
    private int _done;
    private int _failed;
    private bool _shown;

    public void Started()
    {
        _started++;
        Show();
    }

    public void Ended(bool failed)
    {
        _done++;
        if (failed) _failed++;
        Show();
    }

    /// <summary>Takes the bar away, if it was shown.</summary>
    public void Completed()
    {
        if (!_shown) return;
        cmdlet.WriteProgress(new ProgressRecord(_activityId, activity, Status()) { RecordType = ProgressRecordType.Completed });
    }

    private void Show()
    {
        var now = _clock.Elapsed;
        if (now < ShowAfter || now - _lastShown < UpdateEvery) return;
        _lastShown = now;
        _shown = true;
        cmdlet.WriteProgress(new ProgressRecord(_activityId, activity, Status()) { PercentComplete = -1 });
    }

    private string Status()
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        return $"{_done} done ({_failed} failed), {_started - _done} in flight, {_done / seconds:0.0} chats/s";
    }
}
