using System.Management.Automation;

namespace PsLlm.State;

/// <summary>The async registrations a command asked for by -Name, -Id or piped registrations (Receive-LlmCallback, Wait-LlmCallback).</summary>
internal static class AsyncRegistrations
{
    public static IEnumerable<CallbackRegistration> Select(PSCmdlet cmdlet, string[]? names, int[] ids, CallbackRegistration[] piped)
    {
        var set = cmdlet.ParameterSetName;
        if (set == "Registration") return CallbackSelection.Async(piped, asked: true, cmdlet);
        var all = ModuleState.Current.Registrations;
        var selected = CallbackSelection.Select(all, set == "Name" ? names : null, set == "Id" ? ids : null, cmdlet);
        // Asked for by id, or by a name without wildcards: a synchronous one is then an error.
        var asked = set == "Id" || names is { Length: > 0 } && !names.Any(WildcardPattern.ContainsWildcardCharacters);
        return CallbackSelection.Async(selected, asked, cmdlet);
    }
}
