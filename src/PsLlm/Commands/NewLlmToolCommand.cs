using System.Management.Automation;
using PsLlm.Invocation;
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
        var factory = new CommandToolFactory(this);
        var options = new CommandToolOptions
        {
            Name = Name,
            Description = Description,
            Parameters = Parameter,
            ParameterSetName = ParameterSetName,
            Strict = Strict,
            RequireApproval = RequireApproval,
            RootPath = RootPath,
            PathParameters = PathParameter,
        };
        try
        {
            WriteObject(ScriptBlock is not null ? factory.FromScriptBlock(ScriptBlock, options) : factory.FromCommand(Command, options));
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, (object?)ScriptBlock ?? Command));
        }
    }
}
