using System.Collections;
using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.Engine;

namespace PsLlm.Arguments;

/// <summary>
/// Converts what users pass to -Callback into handlers: a scriptblock (every event), a
/// CallbackHandler object, or a hashtable of event name → scriptblock.
/// </summary>
internal static class CallbackArgument
{
    public static IReadOnlyList<CallbackHandler> ToHandlers(object[]? values)
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
                case IDictionary table:
                    foreach (DictionaryEntry entry in table)
                    {
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

    private static LlmException Invalid(string detail) =>
        new(LlmErrorKind.InvalidInput, "LlmInvalidCallback",
            $"{detail} -Callback takes scriptblocks, PsLlm.CallbackHandler objects, or a hashtable of event name = scriptblock.")
        { ParameterName = "Callback" };
}
