using System.Management.Automation;
using PsLlm.Engine.Tools;
using PsLlm.Tools;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Makes a PowerShell command or scriptblock into a tool the model can call (Invoke-LlmChat -Tool).</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmTool", DefaultParameterSetName = CommandSet)]
[OutputType(typeof(LlmTool))]
public sealed class NewLlmToolCommand : PSCmdlet
{
    private const string CommandSet = "Command";
    private const string ScriptBlockSet = "ScriptBlock";

    /// <summary>The command: a name (Get-Process, Module\Get-Thing, an alias, a script path) or a CommandInfo from Get-Command.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = CommandSet)]
    [ValidateNotNull]
    public object Command { get; set; } = null!;

    /// <summary>Offer only these parameters (names or wildcards).</summary>
    [Parameter(ParameterSetName = CommandSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Parameter { get; set; }

    /// <summary>Offer only this parameter set's parameters. Default: all sets; the arguments choose one, as on the command line.</summary>
    [Parameter(ParameterSetName = CommandSet)]
    [ValidateNotNullOrEmpty]
    public new string? ParameterSetName { get; set; }

    /// <summary>The name the model sees: letters, digits, _ and -, at most 64. Default: the command's name.</summary>
    [Parameter(ParameterSetName = CommandSet)]
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>What the tool does, for the model. Default: the command's help synopsis.</summary>
    [Parameter(ParameterSetName = CommandSet)]
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNullOrEmpty]
    public string? Description { get; set; }

    /// <summary>The code the tool runs; its param() block (and comment-based help) describes the arguments.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNull]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>A schema valid for OpenAI's strict mode: every parameter listed, optional ones nullable, hashtables as JSON text.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>Run the tool only after ShouldProcess approves (always so for ConfirmImpact Medium or High with SupportsShouldProcess).</summary>
    [Parameter]
    public SwitchParameter RequireApproval { get; set; }

    /// <summary>
    /// Confine every path argument to this folder: string parameters named *Path, and those named
    /// with -PathParameter. A path outside it (after .., symbolic links and PSDrives) is refused
    /// before anything runs, and the model is told why.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RootPath { get; set; }

    /// <summary>With -RootPath: more parameters whose values are paths, besides those named *Path.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PathParameter { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(ScriptBlock is not null ? FromScriptBlock(ScriptBlock) : FromCommand(Resolve(Command)));
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, (object?)ScriptBlock ?? Command));
        }
    }

    private LlmTool FromCommand(CommandInfo command)
    {
        var name = Name ?? ToolNameRules.FromCommandName(command.Name);
        ToolNameRules.EnsureValid(name);
        var reading = ToolParameterReader.Read(command, ParameterSetName, Parameter);
        return new CommandTool(name, Description ?? reading.Synopsis ?? command.Name, command, reading,
            Strict, RequireApproval || CommandTool.NeedsApproval(command), PathGuard(reading));
    }

    private LlmTool FromScriptBlock(ScriptBlock scriptBlock)
    {
        ToolNameRules.EnsureValid(Name);
        var command = ToolParameterReader.CommandFor(scriptBlock);
        var reading = ToolParameterReader.Read(command, null, null);
        // The scriptblock itself runs, not the function made from it, so it keeps its session state.
        return new CommandTool(Name!, Description!, scriptBlock, reading, Strict, RequireApproval || CommandTool.NeedsApproval(command), PathGuard(reading));
    }

    private ToolPathGuard? PathGuard(ToolParameterReader.Reading reading)
    {
        if (RootPath is null)
        {
            if (PathParameter is not null)
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolPathParameterWithoutRoot",
                    "-PathParameter says which arguments -RootPath confines; give -RootPath too.") { ParameterName = "PathParameter" };
            return null;
        }
        var guard = ToolPathGuard.Create(RootPath, reading.Parameters, PathParameter, SessionState.Path);
        if (guard.Parameters.Count == 0)
            WriteWarning($"-RootPath confines nothing: the tool has no string parameter named *Path. Name its path parameters with -PathParameter.");
        else
            WriteVerbose($"Path arguments ({string.Join(", ", guard.Parameters)}) are confined to {guard.Root}.");
        return guard;
    }

    private CommandInfo Resolve(object value)
    {
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        var command = value switch
        {
            CommandInfo info => info,
            string name when !string.IsNullOrWhiteSpace(name) => InvokeCommand.GetCommand(name.Trim(), CommandTypes.All),
            System.Management.Automation.ScriptBlock => throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolCommandNotSupported",
                "For a scriptblock use -ScriptBlock with -Name and -Description.") { ParameterName = "Command" },
            _ => throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolCommandNotSupported",
                $"-Command takes a command name or a CommandInfo (Get-Command), not {value.GetType().Name}.") { ParameterName = "Command" },
        };
        while (command is AliasInfo alias) command = alias.ResolvedCommand;
        return command switch
        {
            null => throw new LlmException(LlmErrorKind.NotFound, "LlmToolCommandNotFound",
                $"There is no command '{value}'.")
            {
                ParameterName = "Command",
                RecommendedAction = "Check the name with Get-Command, or import the module that has it.",
            },
            CmdletInfo or FunctionInfo or ExternalScriptInfo => command,
            _ => throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolCommandNotSupported",
                $"'{command.Name}' is not a cmdlet, function or script but {command.CommandType}: only those can be tools.") { ParameterName = "Command" },
        };
    }
}
