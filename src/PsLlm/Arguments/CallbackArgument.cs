using System.Collections;
using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.Engine;

namespace PsLlm.Arguments;

/// <summary>
/// Converts what users pass to -Callback into handlers: a scriptblock (every event), a
/// CallbackHandler object, or a hashtable of event name → scriptblock. A hashtable with
/// <c>Async = $true</c> becomes one async handler (its scriptblocks run in a runspace of their own,
/// in event order), given <c>ArgumentList</c> after the event.
/// </summary>
internal static class CallbackArgument
{
    /// <summary>The keys of the hashtable form that are not event names.</summary>
    private static readonly string[] OptionKeys = ["Async", "ArgumentList"];

    /// <param name="values">What -Callback was given.</param>
    /// <param name="location">The caller's file-system location, where async scriptblocks start; null where async ones are refused.</param>
    public static IReadOnlyList<CallbackHandler> ToHandlers(object[]? values, string? location = null)
    {
        var handlers = new List<CallbackHandler>();
        foreach (var raw in values ?? Array.Empty<object>())
        {
            var value = raw is PSObject wrapped ? wrapped.BaseObject : raw;
            switch (value)
            {
                case null:
                    continue;
                case CallbackHandler handler:
                    handlers.Add(handler);
                    break;
                case ScriptBlock block:
                    handlers.Add(new ScriptBlockCallbackHandler(block));
                    break;
                case IDictionary table when IsAsync(table):
                    if (location is null)
                        throw Invalid("An async callback (Async = $true) lives as long as the command given it; for a client's chats use Register-LlmCallback -Async -Client.");
                    handlers.Add(ToAsyncHandler(table, location));
                    break;
                case IDictionary table:
                    foreach (DictionaryEntry entry in table)
                    {
                        if (IsOption(entry.Key))
                            throw Invalid($"'{entry.Key}' is only valid with Async = $true.");
                        var names = ChatEngine.ParseEventNames(new[] { entry.Key?.ToString() ?? string.Empty });
                        var action = (entry.Value is PSObject p ? p.BaseObject : entry.Value) as ScriptBlock
                            ?? throw Invalid($"The value for '{entry.Key}' must be a scriptblock.");
                        handlers.Add(new EventFilterHandler(new ScriptBlockCallbackHandler(action), names, $"{entry.Key} scriptblock", raiseError: false));
                    }
                    break;
                default:
                    throw Invalid($"A callback of type {value.GetType().FullName} is not supported.");
            }
        }
        return handlers;
    }

    private static bool IsOption(object? key) => OptionKeys.Contains(key?.ToString(), StringComparer.OrdinalIgnoreCase);

    private static bool IsAsync(IDictionary table)
    {
        foreach (DictionaryEntry entry in table)
            if (string.Equals(entry.Key?.ToString(), "Async", StringComparison.OrdinalIgnoreCase))
                return LanguagePrimitives.IsTrue(entry.Value);
        return false;
    }

    // One handler for all the table's events: one runspace, one worker, the events in order.
    private static CallbackHandler ToAsyncHandler(IDictionary table, string location)
    {
        var scripts = new Dictionary<LlmEventName, string>();
        object[]? arguments = null;
        foreach (DictionaryEntry entry in table)
        {
            var key = entry.Key?.ToString() ?? string.Empty;
            var value = entry.Value is PSObject p ? p.BaseObject : entry.Value;
            if (string.Equals(key, "Async", StringComparison.OrdinalIgnoreCase)) continue;
            if (string.Equals(key, "ArgumentList", StringComparison.OrdinalIgnoreCase))
            {
                arguments = LanguagePrimitives.GetEnumerable(value)?.Cast<object>().ToArray() ?? new[] { value! };
                continue;
            }
            var action = value as ScriptBlock ?? throw Invalid($"The value for '{key}' must be a scriptblock.");
            foreach (var eventName in ChatEngine.ParseEventNames(new[] { key }) ?? Enum.GetValues<LlmEventName>()) scripts[eventName] = action.ToString();
        }
        if (scripts.Count == 0) throw Invalid("An async callback hashtable needs at least one event name = scriptblock.");
        var name = $"{string.Join(",", scripts.Keys)} async scriptblock";
        var handler = new ScriptBlockAsyncHandler(scripts, everyEvent: null, arguments, location) { Name = name };
        // Filtered before the queue, so events it has no scriptblock for take no room there.
        return new EventFilterHandler(handler, scripts.Keys, name, raiseError: false);
    }

    private static LlmException Invalid(string detail) =>
        new(LlmErrorKind.InvalidInput, "LlmInvalidCallback",
            $"{detail} -Callback takes scriptblocks, PsLlm.CallbackHandler objects, or a hashtable of event name = scriptblock (with Async = $true and ArgumentList = @(…) for an async one).")
        { ParameterName = "Callback" };
}
