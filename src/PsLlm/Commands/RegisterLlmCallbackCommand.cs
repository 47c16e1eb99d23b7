using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Registers a scriptblock or handler object for PsLlm callback events.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "LlmCallback", DefaultParameterSetName = ActionSet)]
[OutputType(typeof(CallbackRegistration))]
public sealed class RegisterLlmCallbackCommand : PSCmdlet
{
    private const string ActionSet = "Action";
    private const string HandlerSet = "Handler";

    /// <summary>Event names (ChainStart, LlmNewToken, LlmEnd, …) or * for all.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ActionSet)]
    [Parameter(ParameterSetName = HandlerSet)]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] EventName { get; set; } = Array.Empty<string>();

    /// <summary>Runs with the event as $_ and $args[0], on the chat's pipeline thread.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ActionSet)]
    public ScriptBlock Action { get; set; } = null!;

    /// <summary>An object deriving from PsLlm.CallbackHandler.</summary>
    [Parameter(Mandatory = true, ParameterSetName = HandlerSet, ValueFromPipeline = true)]
    public CallbackHandler Handler { get; set; } = null!;

    /// <summary>Fire only for chats of this client. Default: every chat in this session.</summary>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>A throwing handler stops the run (otherwise a warning, and the chat goes on).</summary>
    [Parameter]
    public SwitchParameter RaiseError { get; set; }

    /// <summary>A name for Get-/Unregister-LlmCallback.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<LlmEventName>? names;
        try
        {
            names = EventName.Length == 0 ? null : ChatEngine.ParseEventNames(EventName);
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, EventName));
            return;
        }

        var inner = ParameterSetName == ActionSet ? new ScriptBlockCallbackHandler(Action) : Handler;
        var shownNames = names is null ? new[] { "*" } : names.Select(n => n.ToString()).ToArray();
        var registration = ModuleState.Current.Add(id =>
        {
            var name = Name ?? (ParameterSetName == ActionSet ? $"Callback{id}" : Handler.Name);
            var filter = new EventFilterHandler(inner, names, name, RaiseError || (Handler?.RaiseError ?? false));
            return new CallbackRegistration(id, name, shownNames, filter, Client, filter.RaiseError, ParameterSetName == ActionSet ? Action : Handler);
        });
        WriteObject(registration);
    }
}
