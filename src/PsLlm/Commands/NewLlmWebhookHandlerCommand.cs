using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Creates a handler that POSTs one JSON inference record per model call to an HTTP collector, in the background, with retries.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmWebhookHandler")]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmWebhookHandlerCommand : PSCmdlet
{
    /// <summary>The collector's URL (absolute, http or https).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = string.Empty;

    /// <summary>Headers sent with every POST (e.g. Authorization). Values are treated as secrets: never shown, logged or recorded.</summary>
    [Parameter]
    public Hashtable? Header { get; set; }

    /// <summary>Timeout of each attempt, in seconds (default 10).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; }

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
