using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Tools;

/// <summary>
/// Makes tools from PowerShell commands and scriptblocks (New-LlmTool): finds the command,
/// reads its parameters, names and describes the tool, decides whether it needs approval, and
/// confines its path arguments when asked. Runs on the cmdlet's pipeline thread, because reading
/// a command and resolving paths need its session state.
/// </summary>
internal sealed class CommandToolFactory
{
    private readonly PSCmdlet _cmdlet;

    /// <param name="cmdlet">The cmdlet making the tools: its session state resolves commands and paths, and it shows warnings.</param>
    public CommandToolFactory(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>A tool running <paramref name="command"/>: a name (Get-Process, Module\Get-Thing, an alias, a script path) or a CommandInfo.</summary>
    public LlmTool FromCommand(object command, CommandToolOptions options)
    {
        var info = Resolve(command);
        var name = options.Name ?? ToolRules.NameFor(info.Name);
        ToolRules.CheckName(name);
        var reading = ToolParameterReader.Read(info, options.ParameterSetName, options.Parameters);
        return new CommandTool(name, options.Description ?? reading.Synopsis ?? info.Name, info, reading,
            options.Strict, options.RequireApproval || CommandTool.NeedsApproval(info), PathGuard(reading, options));
    }

    /// <summary>A tool running <paramref name="scriptBlock"/>; its param() block and comment-based help describe the arguments.</summary>
    public LlmTool FromScriptBlock(ScriptBlock scriptBlock, CommandToolOptions options)
    {
        ToolRules.CheckName(options.Name);
        var command = ToolParameterReader.CommandFor(scriptBlock);
        var reading = ToolParameterReader.Read(command, null, null);
        // The scriptblock itself runs, not the function made from it, so it keeps its session state.
        return new CommandTool(options.Name!, options.Description!, scriptBlock, reading, options.Strict,
            options.RequireApproval || CommandTool.NeedsApproval(command), PathGuard(reading, options));
    }

    private ToolPathGuard? PathGuard(ToolParameterReader.Reading reading, CommandToolOptions options)
    {
        if (options.RootPath is null)
        {
            if (options.PathParameters is not null)
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolPathParameterWithoutRoot",
                    "-PathParameter says which arguments -RootPath confines; give -RootPath too.") { ParameterName = "PathParameter" };
            return null;
        }
        var guard = ToolPathGuard.Create(options.RootPath, reading.Parameters, options.PathParameters, _cmdlet.SessionState.Path);
        if (guard.Parameters.Count == 0)
            _cmdlet.WriteWarning("-RootPath confines nothing: the tool has no string parameter named *Path. Name its path parameters with -PathParameter.");
        else
            _cmdlet.WriteVerbose($"Path arguments ({string.Join(", ", guard.Parameters)}) are confined to {guard.Root}.");
        return guard;
    }

    private CommandInfo Resolve(object value)
    {
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        var command = value switch
        {
            CommandInfo info => info,
            string name when !string.IsNullOrWhiteSpace(name) => _cmdlet.InvokeCommand.GetCommand(name.Trim(), CommandTypes.All),
            ScriptBlock => throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolCommandNotSupported",
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

/// <summary>How New-LlmTool shapes a tool: its name and description, the parameters it offers, strictness, approval and path confinement.</summary>
internal sealed record CommandToolOptions
{
    /// <summary>The name the model sees; default: the command's name made valid.</summary>
    public string? Name { get; init; }
    /// <summary>What the tool does, for the model; default: the command's help synopsis.</summary>
    public string? Description { get; init; }
    /// <summary>Offer only these parameters (names or wildcards).</summary>
    public IReadOnlyList<string>? Parameters { get; init; }
    /// <summary>Offer only this parameter set's parameters.</summary>
    public string? ParameterSetName { get; init; }
    /// <summary>A schema valid for OpenAI's strict mode.</summary>
    public bool Strict { get; init; }
    /// <summary>Run only after ShouldProcess approves (always so for ConfirmImpact Medium or High).</summary>
    public bool RequireApproval { get; init; }
    /// <summary>The folder path arguments are confined to; null: not confined.</summary>
    public string? RootPath { get; init; }
    /// <summary>More parameters whose values are paths, besides those named *Path.</summary>
    public IReadOnlyList<string>? PathParameters { get; init; }
}
