using System.Management.Automation;
using PsLlm.Invocation;
using PsLlm.Tools;

namespace PsLlm.Commands;

/// <summary>Makes a PowerShell command or scriptblock into a tool the model can call (Invoke-LlmChat -Tool).</summary>
/// <remarks>
/// <para>
/// The New-LlmTool cmdlet makes a PsLlm.LlmTool from a cmdlet, function or script (-Command), or from a scriptblock
/// (-ScriptBlock, with -Name and -Description). A tool has the function name the model sees (Name), a Description, the
/// JSON schema of its arguments (ParametersSchema, as JSON text), Strict and RequireApproval. Give tools to
/// Invoke-LlmChat -Tool: the model can then call them, and Invoke-LlmChat runs each call and sends the output back
/// until the model answers.
/// </para>
/// <para>
/// The schema is read from the command's parameters: their types, Mandatory, parameter sets, [ValidateSet()],
/// [ValidateRange()] and help. -Parameter and -ParameterSetName narrow what is offered. Only the parameters in the
/// schema can be passed by the model.
/// </para>
/// <para>
/// A tool from a command that supports ShouldProcess with ConfirmImpact Medium or High (Remove-Item, Stop-Process,
/// Set-Content, ...), or made with -RequireApproval, requires approval: Invoke-LlmChat runs it only when ShouldProcess
/// approves, so by default you are asked before each call (-Confirm:$false skips the question) and -WhatIf keeps it
/// from running. The RequireApproval property shows it.
/// </para>
/// <para>
/// How the schema is made: every parameter the tool offers becomes a property of a closed JSON object
/// ("additionalProperties": false), so arguments the command does not take are refused before anything runs. Common
/// parameters (Verbose, ErrorAction, WhatIf, Confirm, ...) and parameters marked [Parameter(DontShow)] are never
/// offered.
/// </para>
/// <para>
/// Types: strings, dates, GUIDs, paths, URIs and other types PowerShell converts from text become "string";
/// whole-number types "integer"; float, double and decimal "number"; bool and switch "boolean"; enums "string" with
/// their names as "enum"; arrays and collections "array" with typed "items"; hashtables and other dictionaries
/// "object". [ValidateSet()] becomes "enum" and [ValidateRange()] (also Positive, NonNegative, Negative, NonPositive)
/// becomes "minimum" and "maximum".
/// </para>
/// <para>
/// A parameter is "required" when it is mandatory in every parameter set the tool offers. Without -ParameterSetName all
/// sets are offered and the arguments the model passes choose the set, as on the command line; before running, the tool
/// refuses arguments that fit no set, or that lack a set's mandatory parameters, with a message to the model, since
/// nobody could answer PowerShell's prompt for a missing parameter.
/// </para>
/// <para>
/// Descriptions come from the help: .PARAMETER sections of comment-based help for functions, scripts and scriptblocks,
/// Get-Help for cmdlets, else the parameter's HelpMessage. The tool's description is -Description, else the help
/// synopsis (or description), else the command name.
/// </para>
/// <para>
/// With -Strict the schema follows OpenAI's strict mode: every property is listed in "required", optional ones accept
/// null instead (null means "not given"), and a hashtable parameter is sent as JSON text ("A JSON object, written as a
/// string." is added to its description), because strict schemas cannot hold free-form objects.
/// </para>
/// <para>
/// How a tool runs: Invoke-LlmChat -Tool checks the model's arguments against the schema and runs the command on the
/// pipeline thread, in the current runspace, as a nested pipeline. Null arguments are dropped (not given), booleans
/// become switches, and a cmdlet or advanced function gets -ErrorAction Continue and, if it supports ShouldProcess,
/// -Confirm:$false, because approval was already decided by Invoke-LlmChat.
/// </para>
/// <para>
/// What goes back to the model is text: strings as lines, other objects as compact JSON (ConvertTo-Json -Depth 3
/// -Compress -EnumsAsStrings), non-terminating errors the command wrote after "Errors:", and "(no output)" when there
/// is nothing. It is cut to 16,000 characters, ending with a note "[truncated N characters]". When the command throws,
/// the model gets "Error: &lt;message&gt;" and a ToolError event is raised; the chat goes on.
/// </para>
/// </remarks>
/// <input type="System.String">A command name, for -Command.</input>
/// <input type="System.Management.Automation.CommandInfo">A command from Get-Command, for -Command.</input>
/// <output type="PsLlm.LlmTool">
/// The tool: Name, Description, ParametersSchema (JSON text), Strict and RequireApproval. Its default view is a table
/// of Name, RequireApproval, Strict and Description.
/// </output>
/// <notes>
/// <para>
/// Safety: the model can run only the tools given to Invoke-LlmChat -Tool, and only with arguments their schema allows;
/// an unknown tool name, invalid JSON or arguments that do not fit become a ToolError event and a message back to the
/// model, never a call. A tool runs with your permissions, in your session: offer only the commands and parameters the
/// task needs (-Parameter), and require approval for anything that changes things.
/// </para>
/// <para>
/// Errors of New-LlmTool are terminating: LlmInvalidToolName, LlmToolCommandNotFound (ObjectNotFound),
/// LlmToolCommandNotSupported, LlmToolParameterNotFound, LlmToolParameterSetNotFound and
/// LlmToolMandatoryParameterExcluded (InvalidArgument).
/// </para>
/// <para>
/// Tool output sent to the model is limited to 16,000 characters. Objects are converted with ConvertTo-Json -Depth 3:
/// select the properties the model needs (Select-Object) inside a scriptblock tool to keep the output small and
/// readable.
/// </para>
/// </notes>
/// <example title="a tool from a scriptblock">
/// <code><![CDATA[
/// $add = New-LlmTool -Name add -Description 'Adds two whole numbers.' -ScriptBlock {
///     param([Parameter(Mandatory)][int] $a, [Parameter(Mandatory)][int] $b)
///     $a + $b
/// }
/// $add.ParametersSchema
/// Invoke-LlmChat 'What is 1234 + 5678?' -Tool $add
/// ]]></code>
/// <para>
/// Makes a tool with two required integer arguments; its schema is
/// {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"],"additionalProperties":false}.
/// When the model calls add, Invoke-LlmChat runs the scriptblock and sends the result back, then the model answers.
/// </para>
/// </example>
/// <example title="a tool from a command, with only some parameters">
/// <code><![CDATA[
/// $date = New-LlmTool -Command Get-Date -Parameter Format
/// $procs = New-LlmTool -Command Get-Process -Parameter Name -Description 'Lists running processes by name (wildcards allowed).'
/// Invoke-LlmChat 'What is the date today, and is pwsh running?' -Tool $date, $procs
/// ]]></code>
/// <para>
/// Offers Get-Date with only its -Format parameter, and Get-Process with only -Name and a description of your own. The
/// model can call both, several times if it needs to.
/// </para>
/// </example>
/// <example title="a function with comment-based help">
/// <code><![CDATA[
/// function Get-Weather {
///     <#
///     .SYNOPSIS
///     Gets the current weather for a city.
///     .PARAMETER City
///     The city name, for example Oslo.
///     .PARAMETER Unit
///     Celsius or Fahrenheit.
///     #>
///     param(
///         [Parameter(Mandatory)][string] $City,
///         [ValidateSet('Celsius', 'Fahrenheit')][string] $Unit = 'Celsius'
///     )
///     [pscustomobject]@{ City = $City; Temperature = 21; Unit = $Unit }
/// }
/// $weather = New-LlmTool -Command Get-Weather
/// $weather | Format-List Name, Description, ParametersSchema
/// ]]></code>
/// <para>
/// The tool is named Get-Weather and described by the synopsis. City is a required string described by its .PARAMETER
/// help, and Unit a string with "enum": ["Celsius","Fahrenheit"]. The object the function returns reaches the model as
/// {"City":"Oslo","Temperature":21,"Unit":"Celsius"}.
/// </para>
/// </example>
/// <example title="a tool that needs approval" needs="a person to answer the confirmation prompt">
/// <code><![CDATA[
/// $remove = New-LlmTool -Command Remove-Item -Parameter Path
/// $remove.RequireApproval          # True: Remove-Item has ConfirmImpact Medium
/// Invoke-LlmChat 'Delete the file ./old.log' -Tool $remove -WhatIf
/// Invoke-LlmChat 'Delete the file ./old.log' -Tool $remove -Confirm
/// ]]></code>
/// <para>
/// Remove-Item supports ShouldProcess with ConfirmImpact Medium, so the tool requires approval. With -WhatIf the file
/// is not deleted: PowerShell shows "What if: Performing the operation "Run tool" on target "Remove-Item {...}"" and
/// the model is told the tool was not executed. Without -WhatIf you are asked before each call (-Confirm:$false skips
/// the question). The chat itself is sent either way.
/// </para>
/// </example>
/// <example title="a strict schema">
/// <code><![CDATA[
/// $search = New-LlmTool -Name search -Description 'Searches the log.' -Strict -ScriptBlock {
///     param([Parameter(Mandatory)][string] $Pattern, [ValidateRange(1, 100)][int] $First, [hashtable] $Filter)
///     Select-String -Path ./app.log -Pattern $Pattern | Select-Object -First ($First ? $First : 10) | ForEach-Object Line
/// }
/// $search.ParametersSchema
/// ]]></code>
/// <para>
/// In strict mode all three parameters are listed in "required"; First is ["integer","null"] with minimum 1 and maximum
/// 100, and Filter, a hashtable, travels as ["string","null"] JSON text that the tool turns back into a hashtable. A
/// null argument means "not given".
/// </para>
/// </example>
/// <example title="tools from Get-Command">
/// <code><![CDATA[
/// $tools = Get-Command Get-Date, Get-Location, Get-Uptime | New-LlmTool
/// $tools | Format-Table
/// ]]></code>
/// <para>Each piped CommandInfo makes one tool named after its command.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmTool", DefaultParameterSetName = CommandSet)]
[OutputType(typeof(LlmTool))]
public sealed class NewLlmToolCommand : PSCmdlet
{
    private const string CommandSet = "Command";
    private const string ScriptBlockSet = "ScriptBlock";

    /// <summary>
    /// <para>
    /// The command to make into a tool: a name (Get-Process, Module\Get-Thing, an alias, or the path of a script) or a
    /// CommandInfo from Get-Command. Aliases are resolved. Only cmdlets, functions and scripts can be tools; an
    /// application, or a scriptblock given here, fails with LlmToolCommandNotSupported, and an unknown name with
    /// LlmToolCommandNotFound.
    /// </para>
    /// <para>Names and CommandInfo objects can be piped; each makes one tool.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = CommandSet)]
    [ValidateNotNull]
    public object Command { get; set; } = null!;

    /// <summary>
    /// Offer only these parameters of the command, by name or wildcard (for example Name, *Path). A pattern that
    /// matches no offerable parameter fails with LlmToolParameterNotFound, listing the parameters. If the selection
    /// leaves out a parameter that every usable parameter set requires, New-LlmTool fails with
    /// LlmToolMandatoryParameterExcluded.
    /// </summary>
    /// <value>None (all parameters)</value>
    [Parameter(ParameterSetName = CommandSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Parameter { get; set; }

    /// <summary>
    /// <para>
    /// Offer only the parameters of this parameter set, and treat its mandatory parameters as required. An unknown set
    /// fails with LlmToolParameterSetNotFound, listing the sets.
    /// </para>
    /// <para>
    /// Without it, the parameters of all sets are offered, "required" means mandatory in every set, and the arguments
    /// the model passes choose the set, as on the command line.
    /// </para>
    /// </summary>
    /// <value>None (all parameter sets)</value>
    [Parameter(ParameterSetName = CommandSet)]
    [ValidateNotNullOrEmpty]
    public new string? ParameterSetName { get; set; }

    /// <summary>
    /// <para>
    /// The function name the model sees: 1 to 64 letters, digits, _ and -. Another name fails with LlmInvalidToolName.
    /// Required with -ScriptBlock.
    /// </para>
    /// <para>
    /// With -Command the default is the command's name, without a module qualifier or .ps1 extension, other characters
    /// replaced by _ and cut to 64 characters (Get-Process stays Get-Process). The tools given to one chat must have
    /// different names.
    /// </para>
    /// </summary>
    /// <value>The command's name (with -Command)</value>
    [Parameter(ParameterSetName = CommandSet)]
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>
    /// <para>
    /// What the tool does, for the model, which reads it to decide when to call the tool. Required with -ScriptBlock.
    /// </para>
    /// <para>With -Command the default is the command's help synopsis (or description), else the command's name.</para>
    /// </summary>
    /// <value>The command's synopsis (with -Command)</value>
    [Parameter(ParameterSetName = CommandSet)]
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNullOrEmpty]
    public string? Description { get; set; }

    /// <summary>
    /// <para>
    /// The code the tool runs. Its param() block describes the arguments exactly as a function's would: types,
    /// [Parameter(Mandatory)], [ValidateSet()], [ValidateRange()], parameter sets, and comment-based help for
    /// descriptions (.PARAMETER). Its output is what the model gets.
    /// </para>
    /// <para>
    /// The scriptblock itself runs, not a copy, so it keeps its session state: in a module, its private functions and
    /// variables stay in reach.
    /// </para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    [ValidateNotNull]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>
    /// Makes a schema valid for OpenAI's strict mode and asks for it (strict: true): every parameter is listed as
    /// required, optional ones accept null instead, and hashtable parameters are sent as JSON text. With strict mode
    /// the model's arguments always match the schema.
    /// </summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>
    /// <para>
    /// Runs the tool only when ShouldProcess approves each call, as for commands with ConfirmImpact Medium or High:
    /// Invoke-LlmChat -WhatIf keeps it from running and sends "Not executed: ..." to the model; otherwise
    /// Invoke-LlmChat asks before each call (its ConfirmImpact is High), unless -Confirm:$false.
    /// </para>
    /// <para>
    /// Tools from commands that support ShouldProcess with ConfirmImpact Medium or High require approval without this
    /// switch.
    /// </para>
    /// </summary>
    /// <value>False (True for commands with ConfirmImpact Medium or High)</value>
    [Parameter]
    public SwitchParameter RequireApproval { get; set; }

    /// <summary>
    /// Confines every path argument to this folder. The arguments of string parameters whose name ends in Path (Path,
    /// LiteralPath, FilePath, ...) and of those named with -PathParameter are resolved as PowerShell resolves them (the
    /// current location, ~, PSDrives) and as the system does (symbolic links followed before ..); a value that leads
    /// outside the folder, or to another provider, refuses the call before anything runs or is asked about, and the
    /// model is told why (a ToolError event). The folder must exist; otherwise the error id is LlmToolRootPathNotFound.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RootPath { get; set; }

    /// <summary>
    /// With -RootPath: more parameters whose values are paths, besides those whose name ends in Path. Each must be a
    /// string parameter the tool offers (LlmToolParameterNotFound otherwise); without -RootPath it is an error
    /// (LlmToolPathParameterWithoutRoot).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PathParameter { get; set; }

    /// <summary>A tool per command or scriptblock piped in.</summary>
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
