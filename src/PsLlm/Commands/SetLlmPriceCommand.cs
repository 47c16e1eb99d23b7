using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// Sets what a model costs per million tokens, for the cost estimates of Get-LlmUsage and Get-LlmLog.
/// </summary>
/// <remarks>
/// <para>
/// Set-LlmPrice stores a price in the log database's prices table (-Path, else the enabled log's, else
/// $env:PSLLM_LOG_PATH or the default location; created when missing), so it applies to every session reading that log.
/// Setting a price for the same name or pattern again replaces it.
/// </para>
/// <para>
/// Prices you set come before the built-in ones. Among them an exact name wins over a pattern, and the most specific
/// pattern (most literal characters) over the others. Names compare case-insensitively. Prices are in USD.
/// </para>
/// <para>A negative price is the error LlmPriceNegative. Set-LlmPrice supports -WhatIf and -Confirm.</para>
/// </remarks>
/// <input type="System.Management.Automation.PSObject">
/// </input>
/// <output type="PsLlm.LlmPrice">The price as stored.</output>
/// <example title="local models are free">
/// <code><![CDATA[
/// Set-LlmPrice -Model 'llama3*' -InputPerMillion 0 -OutputPerMillion 0
/// ]]></code>
/// <para>Local models cost nothing: their calls now count as priced, at zero.</para>
/// </example>
/// <example title="a price of your own">
/// <setup><![CDATA[
/// Enable-LlmLog
/// $null = Invoke-LlmChat 'Name three owls.' -Tag project-x
/// Disable-LlmLog
/// ]]></setup>
/// <code><![CDATA[
/// Set-LlmPrice gpt-4o-mini -InputPerMillion 0.15 -OutputPerMillion 0.60 -CachedInputPerMillion 0.075
/// Get-LlmUsage
/// ]]></code>
/// <para>Overrides the built-in price of gpt-4o-mini and totals the log with it.</para>
/// </example>
/// <example title="prices from a file">
/// <setup><![CDATA[
/// @'
/// Model,InputPerMillion,OutputPerMillion
/// llama3*,0,0
/// my-model,1.5,6
/// '@ | Set-Content ./prices.csv
/// ]]></setup>
/// <code><![CDATA[
/// Import-Csv ./prices.csv | Set-LlmPrice
/// ]]></code>
/// <para>Sets several prices from a CSV file with Model, InputPerMillion and OutputPerMillion columns.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "LlmPrice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(LlmPrice))]
public sealed class SetLlmPriceCommand : PSCmdlet
{
    /// <summary>A model name, or a pattern with * and ? (for example llama3* or gpt-4o-mini-????-??-??).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string Model { get; set; } = string.Empty;

    /// <summary>The price of one million input tokens.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public decimal InputPerMillion { get; set; }

    /// <summary>The price of one million output tokens (reasoning tokens are output tokens).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public decimal OutputPerMillion { get; set; }

    /// <summary>
    /// The price of one million cached input tokens. Omitted, cached input costs as much as other input.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>
    /// The database to store the price in. Default: the enabled log's database, else $env:PSLLM_LOG_PATH or logs.db
    /// under the user's local application data folder.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    /// <summary>Stores each price piped in (Import-Csv rows bind by property name).</summary>
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
            var path = FileSystemPath.ResolveLog(this, Path);
            if (!ShouldProcess($"{Model} in {log.PathFor(path)}", "Set price")) return;
            WriteObject(log.SetPrice(path, price, WriteWarning));
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, Model));
        }
    }
}
