using System.Management.Automation;
using PsLlm.Engine.Observability.Logging;

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

    private LlmLogStore _store = null!;

    protected override void BeginProcessing() => _store = OpenStore(this, Path);

    protected override void ProcessRecord()
    {
        try
        {
            if (ParameterSetName == RunSet)
            {
                var tree = _store.Tree(Run);
                if (tree.Count == 0)
                    WriteError(new ErrorRecord(new ItemNotFoundException($"Run {Run} is not in the log '{_store.DatabasePath}'."), "LlmLogRunNotFound", ErrorCategory.ObjectNotFound, Run));
                foreach (var entry in tree) WriteObject(entry);
                return;
            }

            var range = LogTime.Range(Since, Until);
            var query = new LogQuery
            {
                Last = Last,
                Search = Search,
                Models = Model ?? Array.Empty<string>(),
                Tags = Tag ?? Array.Empty<string>(),
                Kinds = Kinds(),
                RunIds = RunId ?? Array.Empty<Guid>(),
                Since = range.Since,
                Until = range.Until,
                ErrorsOnly = Errors,
            };
            foreach (var entry in _store.Query(query)) WriteObject(entry);
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, _store.DatabasePath));
        }
    }

    private IReadOnlyList<RunKind> Kinds()
    {
        if (Kind is null) return Errors || RunId is not null ? Array.Empty<RunKind>() : new[] { RunKind.Llm };
        if (Kind.Any(k => k.Equals("All", StringComparison.OrdinalIgnoreCase))) return Array.Empty<RunKind>();
        return Kind.Select(k => Enum.Parse<RunKind>(k, ignoreCase: true)).ToArray();
    }

    /// <summary>
    /// The store a log command reads: -Path, else this session's enabled log, else the default
    /// location. When it is the enabled log, the runs still queued are written first, and lost
    /// runs are reported.
    /// </summary>
    internal static LlmLogStore OpenStore(PSCmdlet cmdlet, string? path)
    {
        var active = ModuleState.Current.Log is { IsDisposed: false } log ? log : null;
        var store = new LlmLogStore(path is not null ? cmdlet.GetUnresolvedProviderPathFromPSPath(path)
            : active?.DatabasePath ?? LlmLogLocation.Default);
        if (active is not null && string.Equals(active.DatabasePath, store.DatabasePath, StringComparison.Ordinal))
        {
            if (!active.Flush(DisableLlmLogCommand.DrainTimeout))
                cmdlet.WriteWarning("The log is still writing earlier runs; the most recent may be missing.");
            WarnAboutLosses(cmdlet, active, always: false);
        }
        return store;
    }

    /// <summary>Warns when runs were not logged: on every call when <paramref name="always"/>, else once per new loss.</summary>
    internal static void WarnAboutLosses(PSCmdlet cmdlet, SqliteLogHandler handler, bool always)
    {
        var fresh = handler.TakeUnreportedLosses();
        if (!always && fresh == 0) return;
        if (handler.Dropped == 0 && handler.Failed == 0) return;
        var reason = handler.LastError is { } last ? $" Last failure: {last}" : string.Empty;
        cmdlet.WriteWarning($"{handler.Dropped + handler.Failed} runs were not logged to '{handler.DatabasePath}': {handler.Dropped} dropped because the write queue was full (at most {handler.Capacity} waiting), {handler.Failed} failed.{reason}");
    }
}
