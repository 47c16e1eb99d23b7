using System.Diagnostics;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>Waits until batches have finished on the server.</summary>
/// <remarks>
/// <para>
/// Wait-LlmBatch reads each batch again and again until the server says it will change no more (completed, failed,
/// expired or cancelled), showing its counts with Write-Progress, and then writes it. It asks after 1 second, then
/// twice as long each time up to 30 seconds (-PollingIntervalSec sets a fixed interval).
/// </para>
/// <para>
/// -TimeoutSec gives up after that long with the error LlmBatchWaitTimeout (OperationTimeout), writing nothing for that
/// batch. Ctrl+C stops waiting; the batch goes on on the server either way (Stop-LlmBatch cancels it).
/// </para>
/// </remarks>
/// <input type="PsLlm.LlmBatch">A batch to wait for.</input>
/// <output type="PsLlm.LlmBatch">The batch once finished.</output>
/// <example title="wait, then take the answers">
/// <setup><![CDATA[
/// $batch = 'Name a color.', 'Name a shape.' | Start-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// $batch | Wait-LlmBatch -TimeoutSec 3600 | Receive-LlmBatch | ForEach-Object Text
/// ]]></code>
/// <para>Waits up to an hour, then writes the answers' text.</para>
/// </example>
/// <example title="wait for the latest batches">
/// <setup><![CDATA[
/// $null = 'Name a color.' | Start-LlmBatch
/// $null = 'Name a shape.' | Start-LlmBatch
/// ]]></setup>
/// <code><![CDATA[
/// Get-LlmBatch -First 2 | Wait-LlmBatch -PollingIntervalSec 5 | Format-Table
/// ]]></code>
/// <para>Reads the two newest batches every five seconds until each has finished.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Wait, "LlmBatch", DefaultParameterSetName = "Batch")]
[OutputType(typeof(LlmBatch))]
public sealed class WaitLlmBatchCommand : PSCmdlet, IDisposable
{
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();

    /// <summary>A batch to wait for (piped from Start-LlmBatch or Get-LlmBatch).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Batch")]
    public LlmBatch? Batch { get; set; }

    /// <summary>The ids of the batches to wait for.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>The client whose server has the batches.</summary>
    /// <value>The piped batch's client, else New-LlmClient -Default, else a client from the environment</value>
    [Parameter(ParameterSetName = "Id")]
    public LlmClient? Client { get; set; }

    /// <summary>How long to wait for each batch, in seconds, before LlmBatchWaitTimeout.</summary>
    /// <value>None (until it finishes)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>A fixed time between two reads, in seconds (0.1 or more).</summary>
    /// <value>None: 1 second, doubling up to 30</value>
    [Parameter]
    [ValidateRange(0.1, 3600.0)]
    public double PollingIntervalSec { get; set; }

    /// <summary>Waits for each batch asked for.</summary>
    protected override void ProcessRecord() =>
        BatchTarget.Each(this, Batch, Id, Client, (client, id) =>
        {
            if (WaitFor(client, id) is { } finished) WriteObject(finished);
        }, _stop.Token);

    private LlmBatch? WaitFor(LlmClient client, string id)
    {
        var clock = Stopwatch.StartNew();
        var fixedInterval = MyInvocation.BoundParameters.ContainsKey(nameof(PollingIntervalSec)) ? TimeSpan.FromSeconds(PollingIntervalSec) : (TimeSpan?)null;
        var interval = fixedInterval ?? TimeSpan.FromSeconds(1);
        var progress = new ProgressRecord(Math.Abs(id.GetHashCode()) % 100_000 + 1, $"Wait-LlmBatch {id}", "asking");
        while (true)
        {
            var batch = BatchEngine.Get(client, id, _stop.Token);
            if (batch.IsFinished)
            {
                WriteProgress(new ProgressRecord(progress.ActivityId, progress.Activity, batch.Status) { RecordType = ProgressRecordType.Completed });
                return batch;
            }
            progress.StatusDescription = $"{batch.Status}: {batch.Completed} done, {batch.Failed} failed of {batch.Total}";
            progress.PercentComplete = batch.Total > 0 ? Math.Min(100, (batch.Completed + batch.Failed) * 100 / batch.Total) : -1;
            WriteProgress(progress);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) && clock.Elapsed + interval > TimeSpan.FromSeconds(TimeoutSec))
            {
                WriteProgress(new ProgressRecord(progress.ActivityId, progress.Activity, batch.Status) { RecordType = ProgressRecordType.Completed });
                WriteError(LlmErrorRecords.From(new LlmException(LlmErrorKind.Timeout, "LlmBatchWaitTimeout",
                    $"The batch {id} is still {batch.Status} after {TimeoutSec} s ({batch.Completed + batch.Failed} of {batch.Total} done); it goes on on the server.")
                { RecommendedAction = "Wait again later (Wait-LlmBatch), or cancel it (Stop-LlmBatch)." }, batch));
                return null;
            }
            _stop.Token.WaitHandle.WaitOne(interval);
            _stop.Token.ThrowIfCancellationRequested();
            if (fixedInterval is null) interval = TimeSpan.FromTicks(Math.Min(LongestPoll.Ticks, interval.Ticks * 2));
        }
    }

    /// <summary>Ctrl+C stops waiting (not the batch).</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
