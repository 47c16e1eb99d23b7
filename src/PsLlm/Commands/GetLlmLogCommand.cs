using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Reads chats back from the SQLite log: the latest, by full-text search, model, tag, time, run id or error; or a whole run tree.</para>
/// <para type="description">Writes PsLlm.LlmLogEntry objects, oldest first. Without -Kind it returns model calls (Kind Llm),
/// one per request sent — except with -Errors or -RunId, which return runs of every kind (a chat can fail outside its
/// model calls). -Last (default 20; 0 for all) keeps the most recent matches. -Search is full-text (SQLite FTS5) over
/// prompts and responses: every word must occur, word* matches a prefix. -Run returns the whole tree the run belongs to
/// (the chain, its model calls and tool runs, chats nested in tools), root first, with Depth set.
/// Runs still being written by this session's log are flushed first.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LlmLog", DefaultParameterSetName = QuerySet)]
[OutputType(typeof(LlmLogEntry))]
public sealed class GetLlmLogCommand : PSCmdlet
{
    private const string QuerySet = "Query";
    private const string RunSet = "Run";
    private static readonly string[] ModelCalls = ["Llm"];

    /// <summary>The most recent this many matches (oldest first); 0 for every match.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateRange(0, int.MaxValue)]
    public int Last { get; set; } = 20;

    /// <summary>Words that must all occur in the prompt or response (word* for a prefix).</summary>
    [Parameter(ParameterSetName = QuerySet, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Search { get; set; }

    /// <summary>Model names (asked for or answering); wildcards allowed.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    /// <summary>Runs carrying any of these tags.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string[]? Tag { get; set; }

    /// <summary>Runs that started at or after this time.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    public DateTime? Since { get; set; }

    /// <summary>Runs that started before this time.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    public DateTime? Until { get; set; }

    /// <summary>These runs, of any kind.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public Guid[]? RunId { get; set; }

    /// <summary>Only failed or stopped runs (of every kind unless -Kind says).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    public SwitchParameter Errors { get; set; }

    /// <summary>Chain, Llm, Tool or All. Default: Llm (model calls), or All with -Errors or -RunId.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateSet("Chain", "Llm", "Tool", "All", IgnoreCase = true)]
    public string[]? Kind { get; set; }

    /// <summary>The run whose whole tree to return; a ChatResponse piped in gives its chat's tree.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RunSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ChainRunId")]
    public Guid Run { get; set; }

    /// <summary>The database to read. Default: the enabled log's, else $env:PSLLM_LOG_PATH or the user's data folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    private string? _path;

    protected override void BeginProcessing()
    {
        try
        {
            _path = Path is null ? null : FileSystemPath.Resolve(this, Path, "LlmLogPathInvalid", "the log is a file");
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, Path));
        }
    }

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
