using System.Management.Automation;

namespace PsLlm.Delivery;

/// <summary>
/// Says, once, when a recording handler of a run (JSONL, webhook, the SQLite log) lost records:
/// dropped because its queue was full, or failed to write or send. The chat never waits for such
/// handlers, so a loss is found out at the end of the chat in which it happened (or the next).
/// </summary>
internal static class LossWarnings
{
    public static void Write(Cmdlet cmdlet, IEnumerable<CallbackHandler> handlers)
    {
        foreach (var recorder in handlers.Select(Unwrap).OfType<IRecordingHandler>().Distinct())
        {
            var lost = recorder.TakeUnreportedLosses();
            if (lost <= 0) continue;
            var why = recorder.LastError is { Length: > 0 } error ? $"; the last failure: {error}" : string.Empty;
            cmdlet.WriteWarning($"{recorder.Name} lost {lost} record{(lost == 1 ? "" : "s")} (dropped so far: {recorder.Dropped}, failed: {recorder.Failed}){why}.");
        }
    }

    // Registrations wrap their handler to filter events.
    private static CallbackHandler Unwrap(CallbackHandler handler) => handler is EventFilterHandler filter ? filter.Inner : handler;
}
