using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>Gets batches from the server: one by id, or the latest ones.</summary>
/// <remarks>
/// <para>
/// Get-LlmBatch asks the client's server for the batches named by -Id (or piped), with their status and request counts
/// as they are now; without -Id, for the latest batches of the account, newest first (-First, 20 by default).
/// </para>
/// </remarks>
/// <input type="PsLlm.LlmBatch">A batch (Start-LlmBatch's output): it is read again, on its own client.</input>
/// <output type="PsLlm.LlmBatch">Each batch: Id, Status, Completed, Failed, Total, times and file ids.</output>
/// <example title="the latest batches">
/// <setup><![CDATA[
/// $null = 'Name a color.' | Start-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmBatch -First 5
/// ]]></code>
/// <para>The five newest batches with their status and counts.</para>
/// </example>
/// <example title="how far a batch has got">
/// <setup><![CDATA[
/// $batch = 'Name a color.', 'Name a shape.' | Start-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// $batch | Get-LlmBatch | Select-Object Id, Status, Completed, Failed, Total
/// ]]></code>
/// <para>Reads the batch again: its status and how many of its requests are done.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmBatch", DefaultParameterSetName = "Latest")]
[OutputType(typeof(LlmBatch))]
public sealed class GetLlmBatchCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>A batch to read again (piped from Start-LlmBatch or Get-LlmBatch).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Batch")]
    public LlmBatch? Batch { get; set; }

    /// <summary>The ids of the batches to get (batch_…).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>The client whose server has the batches.</summary>
    /// <value>The piped batch's client, else New-LlmClient -Default, else a client from the environment</value>
    [Parameter(ParameterSetName = "Id")]
    [Parameter(ParameterSetName = "Latest")]
    public LlmClient? Client { get; set; }

    /// <summary>Without -Id: how many of the latest batches, from 1 to 1000.</summary>
    /// <value>20</value>
    [Parameter(ParameterSetName = "Latest")]
    [ValidateRange(1, 1000)]
    public int First { get; set; } = 20;

    /// <summary>Reads each batch asked for.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Latest")
        {
            BatchTarget.Guarded(this, Client, () =>
            {
                foreach (var batch in BatchEngine.List(ClientResolver.Resolve(Client), First, _stop.Token)) WriteObject(batch);
            }, _stop.Token);
            return;
        }
        BatchTarget.Each(this, Batch, Id, Client, (client, id) => WriteObject(BatchEngine.Get(client, id, _stop.Token)), _stop.Token);
    }

    /// <summary>Ctrl+C stops the request.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
