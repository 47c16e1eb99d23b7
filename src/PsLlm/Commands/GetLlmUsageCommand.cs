using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Totals tokens and estimated cost from the SQLite log, by model, tag and/or day.</summary>
/// <remarks>
/// <para>
/// Get-LlmUsage writes one PsLlm.LlmUsageSummary per group: the number of model calls, input, cached input, output,
/// reasoning and total tokens, and the estimated cost. Every model call is counted once (a chat with tools makes
/// several; a chat's own chain run is not counted again).
/// </para>
/// <para>
/// Cost comes from the price table: prices set with Set-LlmPrice, then a small built-in table of OpenAI prices (taken
/// 2025-08-15). The price of the model that answered is used, else that of the model asked for. A model without a price
/// shows its tokens with a null Cost, never a guessed one; RunsWithoutCost counts the calls not in Cost (no price, or
/// no usage reported). Costs are estimates in USD.
/// </para>
/// <para>
/// Day is the local calendar day. A call with several tags counts under each with -GroupBy Tag; calls without tags have
/// a null Tag.
/// </para>
/// </remarks>
/// <input type="None">
/// </input>
/// <output type="PsLlm.LlmUsageSummary">One object per group.</output>
/// <example title="tokens and cost by model">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmUsage
/// ]]></code>
/// <para>Tokens and estimated cost per model over the whole log.</para>
/// </example>
/// <example title="by day and model, the last 30 days">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmUsage -GroupBy Day, Model -Since (Get-Date).Date.AddDays(-30)
/// ]]></code>
/// <para>Daily totals per model for the last 30 days.</para>
/// </example>
/// <example title="the cost of one project">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmUsage -GroupBy Tag -Tag project-x | Measure-Object Cost -Sum
/// ]]></code>
/// <para>The estimated cost of the calls tagged project-x.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmUsage")]
[OutputType(typeof(LlmUsageSummary))]
public sealed class GetLlmUsageCommand : PSCmdlet
{
    /// <summary>Model, Tag and/or Day. Several give one row per combination. Default: Model.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("Model", "Tag", "Day", IgnoreCase = true)]
    public string[] GroupBy { get; set; } = { "Model" };

    /// <summary>Counts calls that started at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Counts calls that started before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Counts only these models (asked for or answering). Wildcards are permitted.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[]? Model { get; set; }

    /// <summary>Counts only calls carrying any of these tags.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Tag { get; set; }

    /// <summary>
    /// The database to read. Default: the enabled log's database, else $env:PSLLM_LOG_PATH or logs.db under the user's
    /// local application data folder.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    /// <summary>Totals the log once.</summary>
    protected override void EndProcessing()
    {
        var log = ModuleState.Current.Log;
        string? path = null;
        try
        {
            path = FileSystemPath.ResolveLog(this, Path);
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
