using System.Collections;
using System.Management.Automation;
using System.Security;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Creates a client for an OpenAI-compatible server (OpenAI, Azure OpenAI, Ollama, LM Studio, vLLM, llama.cpp).</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmClient")]
[OutputType(typeof(LlmClient))]
public sealed class NewLlmClientCommand : PSCmdlet
{
    /// <summary>The API's base URL, e.g. http://localhost:11434/v1. Default: OPENAI_BASE_URL, else OpenAI.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("BaseUrl", "Uri")]
    public string? Endpoint { get; set; }

    /// <summary>The API key. Default: OPENAI_API_KEY, but only for the endpoint that key belongs to.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? ApiKey { get; set; }

    /// <summary>The default model for chats of this client. Default: PSLLM_MODEL, else gpt-4o-mini.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Organization { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Project { get; set; }

    /// <summary>
    /// Seconds to wait for the server's response headers, and the longest silence allowed between
    /// two chunks of a streamed answer (default 100). A timeout fails the chat with LlmTimeout.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; }

    /// <summary>How often a request failing with 429, 5xx or a connection error is retried (default 2).</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// The longest wait before a retry, in seconds (default 60). A server that asks for longer
    /// (Retry-After) fails the chat at once with LlmRateLimited and RetryAfter set.
    /// </summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int MaxRetryDelay { get; set; } = 60;

    /// <summary>Extra request headers. Their values are treated as secrets: never shown or logged.</summary>
    [Parameter]
    public Hashtable? Header { get; set; }

    /// <summary>Handlers for every chat of this client: scriptblocks, CallbackHandler objects, or @{ EventName = {…} }.</summary>
    [Parameter]
    public object[]? Callback { get; set; }

    /// <summary>Make this the client used when a command is given none.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var environmentUrl = Environment.GetEnvironmentVariable(ClientResolver.BaseUrlVariable);
            var endpoint = ChatEngine.ParseEndpoint(Endpoint
                ?? (string.IsNullOrWhiteSpace(environmentUrl) ? LlmClient.OpenAIEndpoint.ToString() : environmentUrl));
            var client = new LlmClient(
                endpoint,
                ApiKey ?? ClientResolver.EnvironmentKeyFor(endpoint),
                Model ?? ClientResolver.DefaultModel(),
                Organization,
                Project,
                MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null,
                MaxRetries,
                HeaderArgument.ToHeaders(Header),
                CallbackArgument.ToHandlers(Callback),
                TimeSpan.FromSeconds(MaxRetryDelay));
            if (Default)
            {
                var state = ModuleState.Current;
                if (state.DefaultClient is { } previous) previous.IsDefault = false;
                client.IsDefault = true;
                state.DefaultClient = client;
            }
            WriteObject(client);
        }
        catch (LlmException error)
        {
            // The endpoint as given may carry user:password@; the record never does.
            ThrowTerminatingError(LlmErrorRecords.From(error, ChatEngine.RedactUrl(Endpoint)));
        }
    }
}
