using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Writes the answers of finished batches, matched to their items.</summary>
/// <remarks>
/// <para>
/// Receive-LlmBatch downloads the answers and errors files of each batch that has finished (completed, or expired or
/// cancelled with what was answered before) and writes one PsLlm.ChatResponse per answered item: its CustomId, its
/// Prompt (from the requests file), and, in the session that started the batch, the InputObject that was piped to
/// Start-LlmBatch. An item that failed is a non-terminating error whose TargetObject is that input (else the item's
/// id), with the same error ids as a chat (LlmBadRequest, LlmRateLimited, ...).
/// </para>
/// <para>
/// Each item raises the events of a chat (ChainStart named Receive-LlmBatch, ChatModelStart, LlmEnd or LlmError,
/// ChainEnd or ChainError), with the batch and item ids in their Metadata, so registered callbacks, the SQLite log and
/// the other handlers record batch answers like any chat. A batch still running fails with LlmBatchNotFinished.
/// </para>
/// </remarks>
/// <input type="PsLlm.LlmBatch">A finished batch (Wait-LlmBatch's output).</input>
/// <output type="PsLlm.ChatResponse">One per answered item, with CustomId, Prompt and InputObject.</output>
/// <example title="the answers of a batch">
/// <setup><![CDATA[
/// $batch = 'Name a color.', 'Name a shape.' | Start-LlmBatch | Wait-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// $batch | Receive-LlmBatch | Format-Table CustomId, Prompt, Text
/// ]]></code>
/// <para>One row per item: its id, its prompt and the answer.</para>
/// </example>
/// <example title="answers and failures apart">
/// <setup><![CDATA[
/// $batch = 'Name a color.', 'Name a shape.' | Start-LlmBatch | Wait-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// $answers = $batch | Receive-LlmBatch -ErrorVariable failed -ErrorAction SilentlyContinue
/// "$($answers.Count) answered, $($failed.Count) failed"
/// $failed | ForEach-Object { "$($_.TargetObject): $($_.Exception.Message)" }
/// ]]></code>
/// <para>The failed items are errors whose TargetObject is the item's input (or its id), to send again.</para>
/// </example>
[Cmdlet(VerbsCommunications.Receive, "LlmBatch", DefaultParameterSetName = "Batch")]
[OutputType(typeof(ChatResponse))]
public sealed class ReceiveLlmBatchCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private ActionPump? _pump;
    private WarningErrorSink? _warnings;

    /// <summary>A finished batch (piped from Wait-LlmBatch or Get-LlmBatch).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Batch")]
    public LlmBatch? Batch { get; set; }

    /// <summary>The ids of finished batches.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>The client whose server has the batches.</summary>
    /// <value>The piped batch's client, else New-LlmClient -Default, else a client from the environment</value>
    [Parameter(ParameterSetName = "Id")]
    public LlmClient? Client { get; set; }

    /// <summary>Sets up the event pump.</summary>
    protected override void BeginProcessing()
    {
        _pump = new ActionPump(Events);
        _warnings = new WarningErrorSink(this);
    }

    /// <summary>Writes the answers of each batch asked for.</summary>
    protected override void ProcessRecord()
    {
        using var hostText = HostWriter.Through(this);
        try
        {
            BatchTarget.Each(this, Batch, Id, Client, (client, id) => Receive(client, BatchEngine.Get(client, id, _stop.Token)), _stop.Token);
        }
        finally
        {
            _warnings!.Flush();
        }
    }

    private void Receive(LlmClient client, LlmBatch batch)
    {
        var inputs = ModuleState.Current.BatchInputs.TryGetValue(batch.Id, out var known) ? known : null;
        var options = new RunOptions { LocalHandlers = RunHandlers.For(this, client, client), Pump = _pump, ErrorSink = _warnings! };
        foreach (var item in BatchEngine.Receive(client, batch, options, _stop.Token))
        {
            var input = inputs is not null && inputs.TryGetValue(item.CustomId, out var given) ? given : null;
            if (item.Response is { } response)
            {
                response.Prompt = item.Prompt;
                response.InputObject = input;
                if (item.IsJson) response.Object = JsonText.ToObject(response.Text, this);
                WriteObject(response);
            }
            else
            {
                WriteError(LlmErrorRecords.From(item.Error!, input ?? item.CustomId));
            }
        }
        _pump!.Flush(TimeSpan.FromMilliseconds(40));
    }

    /// <summary>Ctrl+C stops the download.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the pump and the Ctrl+C token.</summary>
    public void Dispose()
    {
        _pump?.Dispose();
        _stop.Dispose();
    }
}
