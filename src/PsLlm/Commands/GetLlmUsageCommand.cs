using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Totals tokens and estimated cost from the SQLite log, by model, tag and/or day.</para>
/// <para type="description">Counts every model call once (a chat with tools makes several). Cost uses the price table:
/// prices set with Set-LlmPrice, then a small built-in table of OpenAI prices. A model without a price shows its tokens
/// with a null Cost and is counted in RunsWithoutCost — never a guessed price. Day is the local calendar day.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "LlmUsage")]
[OutputType(typeof(LlmUsageSummary))]
public sealed class GetLlmUsageCommand : PSCmdlet
{
    /// <summary>Model, Tag and/or Day (default Model). A call with several tags counts under each.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("Model", "Tag", "Day", IgnoreCase = true)]
    public string[] GroupBy { get; set; } = { "Model" };

    /// <summary>Calls that started at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Calls that started before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Only these models (asked for or answering); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    /// <summary>Only calls carrying any of these tags.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Tag { get; set; }

    /// <summary>The database to read. Default: the enabled log's, else $env:PSLLM_LOG_PATH or the user's data folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    protected override void EndProcessing()
    {
        var log = ModuleState.Current.Log;
        string? path = null;
        try
        {
            path = Path is null ? null : FileSystemPath.Resolve(this, Path, "LlmLogPathInvalid", "the log is a file");
            var query = new UsageQuery
            {
                GroupBy = GroupBy,
                Models = Model ?? Array.Empty<string>(),
                Tags = Tag ?? Array.Empty<string>(),
                Since = Since,
                Until = Until,
            };
            foreach (var summary in log.Usage(path, query, WriteWarning)) WriteObject(summary);
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, path is null && Path is not null ? Path : log.PathFor(path)));
        }
    }
}
