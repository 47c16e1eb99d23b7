using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>Cancels batches on the server.</summary>
/// <remarks>
/// <para>
/// Stop-LlmBatch asks the server to cancel each batch: it goes to cancelling, then cancelled; answers made before that
/// stay in its files, and Receive-LlmBatch takes them once it is cancelled. Cancelling cannot be undone, so it asks
/// first under -Confirm and does nothing under -WhatIf.
/// </para>
/// </remarks>
/// <input type="PsLlm.LlmBatch">A batch to cancel.</input>
/// <output type="PsLlm.LlmBatch">The batch as the server answered (status cancelling).</output>
/// <example title="cancel a batch">
/// <setup><![CDATA[
/// $batch = 'Name a color.' | Start-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// $batch | Stop-LlmBatch -Confirm:$false
/// ]]></code>
/// <para>The server cancels the batch; what it answered before stays available to Receive-LlmBatch.</para>
/// </example>
/// <example title="see what would be cancelled">
/// <setup><![CDATA[
/// $null = 'Name a color.' | Start-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmBatch -First 1 | Where-Object Status -EQ in_progress | Stop-LlmBatch -WhatIf
/// ]]></code>
/// <para>Shows which batch would be cancelled, and cancels nothing.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Stop, "LlmBatch", DefaultParameterSetName = "Batch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(LlmBatch))]
public sealed class StopLlmBatchCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>A batch to cancel (piped from Start-LlmBatch or Get-LlmBatch).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Batch")]
    public LlmBatch? Batch { get; set; }

    /// <summary>The ids of the batches to cancel.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>The client whose server has the batches.</summary>
    /// <value>The piped batch's client, else New-LlmClient -Default, else a client from the environment</value>
    [Parameter(ParameterSetName = "Id")]
    public LlmClient? Client { get; set; }

    /// <summary>Cancels each batch asked for.</summary>
    protected override void ProcessRecord() =>
        BatchTarget.Each(this, Batch, Id, Client, (client, id) =>
        {
            if (ShouldProcess($"{id} on {client.Endpoint.Host}", "Cancel batch")) WriteObject(BatchEngine.Cancel(client, id, _stop.Token));
        }, _stop.Token);

    /// <summary>Ctrl+C stops the request.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
