using System.Management.Automation;

namespace PsLlm.Delivery;

/// <summary>
/// Says, once, when a recording handler of a run (JSONL, webhook, the SQLite log) lost records, or
/// an async handler lost events: dropped because its queue was full, or failed to write, send or
/// handle. The chat never waits for such handlers, so a loss is found out at the end of the chat
/// in which it happened (or the next, or at Wait-LlmCallback).
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
            // An async handler loses events (dropped or failed); a recorder loses the records it writes.
            var what = recorder is AsyncCallbackHandler ? "event" : "record";
            cmdlet.WriteWarning($"{recorder.Name} lost {lost} {what}{(lost == 1 ? "" : "s")} (dropped so far: {recorder.Dropped}, failed: {recorder.Failed}){why}.");
        }
    }

    // Registrations wrap their handler to filter events.
    private static CallbackHandler Unwrap(CallbackHandler handler) => handler is EventFilterHandler filter ? filter.Inner : handler;
}
