using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// Creates a handler that POSTs one JSON inference record per model call to an HTTP collector, in the background, with
/// retries.
/// </summary>
/// <remarks>
/// <para>
/// The New-LlmWebhookHandler cmdlet creates a PsLlm.Engine.Observability.WebhookHandler, a PsLlm.CallbackHandler that
/// sends an inference record to an HTTP collector at the end of every model call (on LlmEnd and LlmError), the pattern
/// of inference monitors such as Arthur. The record is a JSON object: format ("psllm.inference"), version, inferenceId
/// (the LLM run id), parentRunId, status (success or error), startTime, endTime, model, requestedModel, endpoint,
/// prompt (the messages sent), completion, finishReason, usage, durationMs, timeToFirstTokenMs, responseId, toolCalls,
/// invocationParameters, tags, metadata and error.
/// </para>
/// <para>
/// The POST happens on a background queue, so a slow or unreachable collector never slows or fails the chat. A 5xx, 408
/// or 429 answer, a timeout or a connection error is retried up to 3 times with exponential back-off (200, 400 and 800
/// ms), or after the collector's Retry-After when that is at most 5 seconds. Records the collector accepts are counted
/// in Sent; records given up on, or refused with another status, in Failed (reason in LastError); Retried counts
/// repeated attempts. At most 1,000 records wait; when that many are waiting, new records are dropped and counted in
/// Dropped. Flush([timespan]) waits until the queued records are delivered or given up.
/// </para>
/// <para>
/// Headers given with -Header (an Authorization token, an API key) are sent with every POST and appear nowhere else:
/// not in records, errors, LastError or the handler's properties, which show only HeaderNames. Events never carry the
/// chat's API key.
/// </para>
/// </remarks>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="PsLlm.CallbackHandler">
/// A PsLlm.Engine.Observability.WebhookHandler with the properties Uri, HeaderNames, Timeout, Capacity, MaxRetries,
/// BaseDelay, Sent, Retried, Dropped, Failed and LastError, and the methods Flush([timespan]) and Dispose().
/// </output>
/// <notes>
/// A streamed chat and a chat that uses tools send one record per model call; a chat with tools sends one record per
/// round (the last one carries the tool calls). Records still queued when PowerShell exits are sent first, for up to
/// three seconds.
/// </notes>
/// <example title="send every chat to a collector">
/// <code><![CDATA[
/// $token = Read-Host -AsSecureString 'Collector token'
/// $hook = New-LlmWebhookHandler -Uri https://collector.example.com/v1/inferences -Header @{ Authorization = $token }
/// Register-LlmCallback -Handler $hook -Name monitor
/// Invoke-LlmChat 'What is PowerShell?' -Tag docs -Metadata @{ user = $env:USERNAME }
/// ]]></code>
/// <para>
/// Every model call in the session is posted to the collector with the prompt, completion, model, usage, timings, tags
/// and metadata. The token is sent as the Authorization header and never shown or recorded.
/// </para>
/// </example>
/// <example title="check delivery">
/// <setup><![CDATA[
/// $hook = New-LlmWebhookHandler -Uri http://127.0.0.1:9/v1/inferences
/// $null = Invoke-LlmChat 'What is PowerShell?' -Callback $hook
/// ]]></setup>
/// <code><![CDATA[
/// $null = $hook.Flush([timespan]::FromSeconds(10))
/// '{0} sent, {1} retried, {2} failed, {3} dropped' -f $hook.Sent, $hook.Retried, $hook.Failed, $hook.Dropped
/// $hook.LastError
/// ]]></code>
/// <para>
/// Waits for the queued records of the handler from Example 1, shows its counters, and why the last failed record
/// failed.
/// </para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmWebhookHandler")]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmWebhookHandlerCommand : PSCmdlet
{
    /// <summary>
    /// The collector's URL, absolute http or https, e.g. https://collector.example.com/v1/inferences. Anything else, or
    /// a URL with a user name or password, is a terminating error with the id LlmInvalidWebhookUri, before anything is
    /// sent.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = string.Empty;

    /// <summary>
    /// Headers sent with every POST, as name = value (strings or SecureStrings). Values are treated as secrets. A name
    /// that is empty or contains a space, a control character, a colon or a non-ASCII character, or a value with a line
    /// break, is a terminating error with the id LlmInvalidHeader.
    /// </summary>
    [Parameter]
    public Hashtable? Header { get; set; }

    /// <summary>
    /// The timeout of each attempt, in seconds, from 1 to 3600. An attempt that runs into it is retried like a
    /// connection error.
    /// </summary>
    /// <value>10</value>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; }

    /// <summary>Checks the URL now, so a wrong one fails here and not in the background.</summary>
    protected override void ProcessRecord()
    {
        try
        {
            var timeout = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            WriteObject(BuiltInHandlers.Webhook(Uri, HeaderArgument.ToHeaders(Header), timeout));
        }
        catch (LlmException error)
        {
            // The target is what the user typed minus any credentials in it.
            ThrowTerminatingError(LlmErrorRecords.From(error, null));
        }
    }
}
