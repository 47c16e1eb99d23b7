using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Sets what a model costs per million tokens, for Get-LlmUsage and Get-LlmLog's cost estimates.</para>
/// <para type="description">Stored in the log database's prices table (the enabled log's, or -Path), so it applies to every
/// session reading that log. A price for the same name or pattern replaces the earlier one. Your prices come before the
/// built-in ones; an exact name wins over a pattern, and the most specific pattern wins over others. Prices are in USD.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "LlmPrice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(LlmPrice))]
public sealed class SetLlmPriceCommand : PSCmdlet
{
    /// <summary>A model name, or a pattern with * and ? (e.g. llama3*, gpt-4o-mini-????-??-??).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string Model { get; set; } = string.Empty;

    /// <summary>Price of a million input tokens.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public decimal InputPerMillion { get; set; }

    /// <summary>Price of a million output tokens (reasoning tokens are output tokens).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public decimal OutputPerMillion { get; set; }

    /// <summary>Price of a million cached input tokens; omitted, they cost as much as other input.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>The database to store the price in. Default: the enabled log's, else $env:PSLLM_LOG_PATH or the user's data folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var log = ModuleState.Current.Log;
        var price = new LlmPrice
        {
            Model = Model,
            InputPerMillion = InputPerMillion,
            OutputPerMillion = OutputPerMillion,
            CachedInputPerMillion = CachedInputPerMillion,
        };
        try
        {
            LlmLog.CheckPrice(price);
            var path = Path is null ? null : FileSystemPath.Resolve(this, Path, "LlmLogPathInvalid", "the log is a file");
            if (!ShouldProcess($"{Model} in {log.PathFor(path)}", "Set price")) return;
            WriteObject(log.SetPrice(path, price, WriteWarning));
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, Model));
        }
    }
}
