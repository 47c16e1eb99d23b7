using System.Management.Automation;

namespace PsLlm.State;

/// <summary>Finds registrations by name (wildcards) or id, reporting names and ids that match nothing.</summary>
internal static class CallbackSelection
{
    public static IEnumerable<CallbackRegistration> Select(IReadOnlyList<CallbackRegistration> all, string[]? names, int[]? ids, Cmdlet cmdlet)
    {
        if (ids is { Length: > 0 })
        {
            foreach (var id in ids)
            {
                var match = all.FirstOrDefault(r => r.Id == id);
                if (match is null) cmdlet.WriteError(NotFound($"No callback with Id {id} is registered.", id));
                else yield return match;
            }
            yield break;
        }
        foreach (var registration in WildcardSelection.Select(all, r => r.Name, names, name => NotFound($"No callback named '{name}' is registered.", name), cmdlet))
            yield return registration;
    }

    public static ErrorRecord NotFound(string message, object target) =>
        new(new ItemNotFoundException(message), "LlmCallbackNotFound", ErrorCategory.ObjectNotFound, target);

    /// <summary>
    /// The async ones among <paramref name="selected"/> (Receive-LlmCallback, Wait-LlmCallback). A
    /// synchronous one asked for by name, id or object is an error; one a wildcard or no name
    /// matched is passed over.
    /// </summary>
    public static IEnumerable<CallbackRegistration> Async(IEnumerable<CallbackRegistration> selected, bool asked, Cmdlet cmdlet)
    {
        foreach (var registration in selected)
        {
            if (registration.AsyncHandler is not null) yield return registration;
            else if (asked)
                cmdlet.WriteError(new ErrorRecord(
                    new InvalidOperationException($"Callback '{registration.Name}' (Id {registration.Id}) is not async: it runs on the chat's thread and keeps nothing to receive or wait for. Register it with -Async for that."),
                    "LlmCallbackNotAsync", ErrorCategory.InvalidOperation, registration));
        }
    }
}
