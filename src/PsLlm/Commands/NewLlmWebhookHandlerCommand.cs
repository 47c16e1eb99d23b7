using System.Collections;
using System.Management.Automation;
using System.Security;
using PsLlm.Engine.Observability;

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
            var uri = ParseUri(Uri);
            var timeout = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            WriteObject(new WebhookHandler(uri, HeaderArgument.ToHeaders(Header), timeout));
        }
        catch (LlmException error)
        {
            // The target is what the user typed minus any credentials in it.
            ThrowTerminatingError(LlmErrorRecords.From(error, null));
        }
    }

    private static Uri ParseUri(string value)
    {
        if (System.Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == System.Uri.UriSchemeHttp || uri.Scheme == System.Uri.UriSchemeHttps))
        {
            if (uri.UserInfo.Length == 0) return uri;
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidWebhookUri",
                "The collector URL must not carry a user name or password; send credentials with -Header @{ Authorization = '…' }.")
            { ParameterName = "Uri" };
        }
        var shown = uri is { UserInfo.Length: > 0 } ? uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped) : value;
        throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidWebhookUri",
            $"'{shown}' is not an absolute http or https URL. Give the collector's full address, e.g. https://collector.example.com/v1/inferences.")
        { ParameterName = "Uri" };
    }
}
