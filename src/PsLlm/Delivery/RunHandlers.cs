using System.Management.Automation;
using PsLlm.State;

namespace PsLlm.Delivery;

/// <summary>
/// The handlers every run started by a cmdlet gets in this session: the registered callbacks that
/// apply (session-wide, or scoped to the run's client), engine events, and -Debug tracing.
/// </summary>
internal static class RunHandlers
{
    public static List<CallbackHandler> For(PSCmdlet cmdlet, LlmClient? client, object sender)
    {
        var handlers = new List<CallbackHandler>(ModuleState.Current.HandlersFor(client));
        handlers.Add(new EngineEventPublisher(cmdlet.Events, sender));
        if (DebugWanted(cmdlet)) handlers.Add(new DebugTraceWriter(cmdlet));
        return handlers;
    }

    // Building a debug line per token costs; only when someone will see it.
    private static bool DebugWanted(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.ContainsKey("Debug")
        || Enum.TryParse<ActionPreference>(cmdlet.GetVariableValue("DebugPreference")?.ToString(), ignoreCase: true, out var preference)
           && preference is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);
}
