using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PsLlm.Delivery;

/// <summary>
/// Runs a scriptblock for every event it is given, with the event as <c>$_</c> and
/// <c>$args[0]</c>. Its output is discarded (like a LangChain handler's return value); use
/// Write-Host or variables to surface data. Runs on the chat's pipeline thread.
/// </summary>
internal sealed class ScriptBlockCallbackHandler : CallbackHandler
{
    private readonly ScriptBlock _action;
    private readonly Runspace? _home;

    public ScriptBlockCallbackHandler(ScriptBlock action)
    {
        _action = action;
        _home = Runspace.DefaultRunspace;
        Name = "ScriptBlock";
    }

    public override void Handle(LlmEvent e)
    {
        // A scriptblock is bound to the runspace that created it; a client shared into a thread
        // job must not run it on that other runspace's thread.
        var block = ReferenceEquals(Runspace.DefaultRunspace, _home) ? _action : ScriptBlock.Create(_action.ToString());
        block.InvokeWithContext(null, new List<PSVariable> { new("_", e) }, e);
    }

}
