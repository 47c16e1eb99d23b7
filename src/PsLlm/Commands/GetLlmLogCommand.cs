using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// Reads chats back from the SQLite log: the latest, by full-text search, model, tag, time, run id or error; or a whole
/// run tree.
/// </summary>
/// <remarks>
/// <para>
/// Get-LlmLog writes PsLlm.LlmLogEntry objects, oldest first. Without -Kind it returns model calls (Kind Llm), one per
/// request sent, each with its prompt messages, response, model, usage, timings and estimated cost. With -Errors or
/// -RunId it returns runs of every kind, because a chat can fail outside its model calls (a tool loop over its limit,
/// an answer that is not the JSON asked for).
/// </para>
/// <para>
/// -Last (default 20; 0 for all) keeps the most recent matches. -Search is full-text (SQLite FTS5) over prompts and
/// responses: every word must occur, word* matches a prefix, case and accents are ignored, and query syntax (AND,
/// quotes, parentheses) is treated as text. Every filter given must hold.
/// </para>
/// <para>
/// -Run returns the whole tree a run belongs to: from its top-most logged ancestor down, depth first, children in start
/// order, with Depth set (shown as indentation). Pipe a ChatResponse to get its chat's tree.
/// </para>
/// <para>
/// It reads -Path, else the enabled log's database, else $env:PSLLM_LOG_PATH or the default location. When that is this
/// session's enabled log, the runs it is still writing are written first (a warning says so when that takes more than
/// 10 seconds). A missing database is the error LlmLogNotFound; a run that is not in the log, LlmLogRunNotFound.
/// </para>
/// </remarks>
/// <input type="PsLlm.ChatResponse">
/// </input>
/// <output type="PsLlm.LlmLogEntry">One object per run.</output>
/// <example title="the latest model calls">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmLog -Last 5
/// ]]></code>
/// <para>
/// The five most recent model calls, oldest first, as a table of start time, kind, model, status, tokens, duration and
/// prompt → response.
/// </para>
/// </example>
/// <example title="search prompts and responses">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmLog -Search 'owl*' -Model gpt-4o* -Since (Get-Date).AddDays(-7) | Format-List Prompt, Response, Usage, Cost
/// ]]></code>
/// <para>Model calls of the last week, by a gpt-4o model, whose prompt or response has a word starting with owl.</para>
/// </example>
/// <example title="the run tree of a chat with tools">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $add = New-LlmTool -Name add -Description 'Adds two numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
/// ]]></setup>
/// <code><![CDATA[
/// $r = Invoke-LlmChat 'What is 2+3?' -Tool $add
/// $r | Get-LlmLog
/// ]]></code>
/// <para>The chat's run tree: its chain run, each model call and each tool run, indented by depth.</para>
/// </example>
/// <example title="failures by error id">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmLog -Errors -Last 0 | Group-Object ErrorId
/// ]]></code>
/// <para>Every failed run, counted by error id.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmLog", DefaultParameterSetName = QuerySet)]
[OutputType(typeof(LlmLogEntry))]
public sealed class GetLlmLogCommand : PSCmdlet
{
    private const string QuerySet = "Query";
    private const string RunSet = "Run";
    private static readonly string[] ModelCalls = ["Llm"];

    /// <summary>
    /// How many of the most recent matches to return (oldest first). 0 returns every match. Default: 20.
    /// </summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateRange(0, int.MaxValue)]
    public int Last { get; set; } = 20;

    /// <summary>
    /// Words that must all occur in the prompt or the response; word* matches words starting with word. Case and
    /// accents are ignored.
    /// </summary>
    [Parameter(ParameterSetName = QuerySet, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Search { get; set; }

    /// <summary>
    /// Model names, matched against the model asked for and the model that answered. Wildcards are permitted.
    /// </summary>
    [Parameter(ParameterSetName = QuerySet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? Model { get; set; }

    /// <summary>Returns runs carrying any of these tags (tags are inherited by every run of a chat).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string[]? Tag { get; set; }

    /// <summary>Returns runs that started at or after this time (local time unless the DateTime says UTC).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    public DateTime? Since { get; set; }

    /// <summary>Returns runs that started before this time.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    public DateTime? Until { get; set; }

    /// <summary>Returns these runs, of any kind.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public Guid[]? RunId { get; set; }

    /// <summary>Returns only failed or stopped runs, of every kind unless -Kind is given.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    public SwitchParameter Errors { get; set; }

    /// <summary>Chain, Llm, Tool or All. Default: Llm, or All with -Errors or -RunId.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateSet("Chain", "Llm", "Tool", "All", IgnoreCase = true)]
    public string[]? Kind { get; set; }

    /// <summary>
    /// A run id whose whole run tree to return. Accepts a ChatResponse from the pipeline (its ChainRunId).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = RunSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ChainRunId")]
    public Guid Run { get; set; }

    /// <summary>
    /// The database to read. Default: the enabled log's database, else $env:PSLLM_LOG_PATH or logs.db under the user's
    /// local application data folder.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    private string? _path;

    /// <summary>Resolves -Path once: a bad path stops the command before any query.</summary>
    protected override void BeginProcessing()
    {
        try
        {
            _path = FileSystemPath.ResolveLog(this, Path);
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, Path));
        }
    }

    /// <summary>One query, or one run tree per piped response.</summary>
    protected override void ProcessRecord()
    {
        var log = ModuleState.Current.Log;
        try
        {
            if (ParameterSetName == RunSet)
            {
                var tree = log.Tree(_path, Run, WriteWarning);
                if (tree.Count == 0)
                    WriteError(new ErrorRecord(new ItemNotFoundException($"Run {Run} is not in the log '{log.PathFor(_path)}'."), "LlmLogRunNotFound", ErrorCategory.ObjectNotFound, Run));
                foreach (var entry in tree) WriteObject(entry);
                return;
            }

            var query = new LogQuery
            {
                Last = Last,
                Search = Search,
                Models = Model ?? Array.Empty<string>(),
                Tags = Tag ?? Array.Empty<string>(),
                // Model calls unless asked otherwise; a chat can fail outside its model calls, so -Errors and -RunId look at every kind.
                Kinds = Kind ?? (Errors || RunId is not null ? null : ModelCalls),
                RunIds = RunId ?? Array.Empty<Guid>(),
                Since = Since,
                Until = Until,
                ErrorsOnly = Errors,
            };
            foreach (var entry in log.Query(_path, query, WriteWarning)) WriteObject(entry);
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, log.PathFor(_path)));
        }
    }
}
