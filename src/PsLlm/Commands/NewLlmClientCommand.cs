using System.Collections;
using System.Management.Automation;
using System.Security;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// Creates a client for an OpenAI-compatible server (OpenAI, Azure OpenAI, Ollama, LM Studio, vLLM, llama.cpp).
/// </summary>
/// <remarks>
/// <para>
/// The New-LlmClient cmdlet creates a PsLlm.LlmClient object: the endpoint (the base URL of an OpenAI-compatible chat
/// completions API), the API key, the default model, transport settings (timeout, retries, extra headers) and
/// client-scoped callbacks. Pass the client to Invoke-LlmChat with -Client, or use -Default to make it the client that
/// Invoke-LlmChat uses when it is given none.
/// </para>
/// <para>
/// Without -Endpoint the client uses the OPENAI_BASE_URL environment variable, else OpenAI (https://api.openai.com/v1).
/// Without -Model it uses PSLLM_MODEL, else gpt-4o-mini.
/// </para>
/// <para>
/// Without -ApiKey the client uses OPENAI_API_KEY, but only when its endpoint is the server that key belongs to: the
/// server named by OPENAI_BASE_URL when that variable is set, otherwise OpenAI (scheme, host and port are compared). An
/// OpenAI key is therefore never sent to some other server that you name with -Endpoint. Servers on this machine and
/// other OpenAI-compatible servers (Ollama, LM Studio, vLLM, llama.cpp) need no key; OpenAI and Azure OpenAI do, and a
/// chat on such a client without a key fails with the terminating error LlmApiKeyMissing. A client without a key sends
/// no Authorization header.
/// </para>
/// <para>
/// For Azure OpenAI use the v1 endpoint, -Endpoint https://&lt;resource&gt;.openai.azure.com/openai/v1, with -ApiKey
/// and the deployment name as -Model. The key is sent as a bearer token and also in the api-key header that Azure
/// expects.
/// </para>
/// <para>
/// The key is kept as a read-only SecureString. No property, no string form, no event and no error message shows it;
/// the HasApiKey property only says whether there is one. Values given with -Header are treated as secrets too: the
/// client shows only their names (HeaderNames), and error messages from the server are scrubbed of the key and the
/// header values.
/// </para>
/// <para>
/// The client is also an event source. Its .NET events ChainStart, ChainEnd, ChainError, ChatModelStart, LlmNewToken,
/// LlmEnd, LlmError, Text, Retry, AgentAction, ToolStart, ToolEnd, ToolError and AgentFinish, and CallbackEvent for
/// every event, fire for the chats of this client and can be subscribed to with Register-ObjectEvent. See about_PsLlm.
/// </para>
/// </remarks>
/// <input type="None">You cannot pipe objects to New-LlmClient by value.</input>
/// <input type="System.Management.Automation.PSObject">
/// Objects with Endpoint, ApiKey (a SecureString), Model, Organization or Project properties are bound by property
/// name, so one client is created per input object.
/// </input>
/// <output type="PsLlm.LlmClient">
/// The client: Endpoint, Model, Organization, Project, Timeout, MaxRetries, HasApiKey, HeaderNames, Callbacks,
/// IsDefault and IsLocal. The API key itself is not exposed. Its .NET events can be subscribed to with
/// Register-ObjectEvent.
/// </output>
/// <notes>
/// <para>
/// Invoke-LlmChat chooses its client in this order: its -Client parameter; the client made with New-LlmClient -Default;
/// a client built from the environment variables OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL (model gpt-4o-mini
/// when PSLLM_MODEL is not set), which is rebuilt when those variables change. The environment client sends
/// OPENAI_API_KEY to the OPENAI_BASE_URL server, because both come from you.
/// </para>
/// <para>
/// Common endpoints: OpenAI https://api.openai.com/v1; Azure OpenAI
/// https://&lt;resource&gt;.openai.azure.com/openai/v1; Ollama http://localhost:11434/v1; LM Studio
/// http://localhost:1234/v1; vLLM http://localhost:8000/v1; llama.cpp (llama-server) http://localhost:8080/v1.
/// </para>
/// <para>
/// The default client and the callbacks registered with Register-LlmCallback belong to the current runspace; a thread
/// job or a new runspace has its own. A client object itself can be passed to other runspaces.
/// </para>
/// <para>Nothing is sent to the server by New-LlmClient; the connection is made by the first chat.</para>
/// </notes>
/// <example title="a client for a local Ollama server">
/// <code><![CDATA[
/// $c = New-LlmClient -Endpoint http://localhost:11434/v1 -Model llama3.2
/// Invoke-LlmChat 'Why is the sky blue? One sentence.' -Client $c
/// ]]></code>
/// <para>
/// Creates a client for Ollama on this machine (the model must have been pulled with "ollama pull llama3.2") and chats
/// with it. A local server needs no API key, and OPENAI_API_KEY is not sent to it.
/// </para>
/// </example>
/// <example title="Azure OpenAI as the default client">
/// <code><![CDATA[
/// $key = Read-Host -AsSecureString -Prompt 'Azure OpenAI key'
/// New-LlmClient -Endpoint https://contoso.openai.azure.com/openai/v1 -ApiKey $key `
///     -Model my-gpt-4o-mini -Default
/// Invoke-LlmChat 'Summarize what a PowerShell pipeline is in one sentence.'
/// ]]></code>
/// <para>
/// Creates a client for the Azure OpenAI resource "contoso" and makes it the default, so Invoke-LlmChat needs no
/// -Client. -Model is the name of the deployment. The key is sent both as a bearer token and as the api-key header.
/// </para>
/// </example>
/// <example title="OpenAI with settings from the environment">
/// <setup><![CDATA[
/// $null = New-Item -ItemType Directory ~/.secrets
/// Set-Content ~/.secrets/openai-key 'sk-example-key'
/// ]]></setup>
/// <code><![CDATA[
/// $env:OPENAI_API_KEY = Get-Content ~/.secrets/openai-key   # or set it in your profile
/// $c = New-LlmClient -Model gpt-4o -TimeoutSec 60 -MaxRetries 4
/// $c | Format-List Endpoint, Model, HasApiKey, HeaderNames, IsDefault
/// ]]></code>
/// <para>
/// Creates a client for OpenAI (the default endpoint when OPENAI_BASE_URL is not set) that takes its key from
/// OPENAI_API_KEY, gives each network operation 60 seconds and retries failed requests up to four times. The output
/// shows HasApiKey : True but never the key.
/// </para>
/// </example>
/// <example title="behind a corporate proxy" needs="a proxy server">
/// <code><![CDATA[
/// $c = New-LlmClient -Proxy http://proxy.corp.example:8080 -ProxyCredential (Get-Credential)
/// Invoke-LlmChat 'Hello' -Client $c
/// ]]></code>
/// <para>
/// Every request of the client goes through the proxy, with the user name and password when the proxy asks for them
/// (HTTP 407). Without -Proxy the environment's proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) applies; -NoProxy ignores it.
/// </para>
/// </example>
/// <example title="client-scoped callbacks and an extra header">
/// <code><![CDATA[
/// $c = New-LlmClient -Endpoint http://localhost:8000/v1 -Model Qwen/Qwen2.5-7B-Instruct `
///     -Header @{ 'X-Team' = 'docs' } `
///     -Callback @{ LlmEnd = { Write-Host "[$($_.Response.Model): $($_.Response.Usage)]" } }
/// Invoke-LlmChat 'Name three sorting algorithms.' -Client $c
/// $c.HeaderNames
/// ]]></code>
/// <para>
/// Creates a client for a vLLM server that sends an X-Team header with every request and prints the token usage after
/// each of its chats. HeaderNames shows "X-Team"; header values are never shown.
/// </para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmClient")]
[OutputType(typeof(LlmClient))]
public sealed class NewLlmClientCommand : PSCmdlet
{
    /// <summary>
    /// <para>
    /// The base URL of the API, to which /chat/completions is appended, for example https://api.openai.com/v1,
    /// https://&lt;resource&gt;.openai.azure.com/openai/v1 or http://localhost:11434/v1 (Ollama).
    /// </para>
    /// <para>
    /// It must be an absolute http or https URL. A URL that carries a user name or password is rejected (use -ApiKey or
    /// -Header for credentials). An invalid endpoint is a terminating error with the id LlmInvalidEndpoint.
    /// </para>
    /// </summary>
    /// <value>$env:OPENAI_BASE_URL, else https://api.openai.com/v1</value>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("BaseUrl", "Uri")]
    public string? Endpoint { get; set; }

    /// <summary>
    /// <para>
    /// The API key, as a SecureString, for example from Read-Host -AsSecureString, ConvertTo-SecureString -AsPlainText,
    /// or Get-Secret (Microsoft.PowerShell.SecretManagement). It is sent as "Authorization: Bearer", and for Azure
    /// OpenAI (*.openai.azure.com) also as the api-key header.
    /// </para>
    /// <para>
    /// When omitted, OPENAI_API_KEY is used if the endpoint is the one that key belongs to (the OPENAI_BASE_URL server,
    /// else OpenAI); otherwise the client has no key. Omit it for local servers that need none.
    /// </para>
    /// </summary>
    /// <value>$env:OPENAI_API_KEY, only for its own endpoint</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? ApiKey { get; set; }

    /// <summary>
    /// The model used by chats of this client that do not name one with Invoke-LlmChat -Model, for example gpt-4o-mini
    /// or llama3.2. For Azure OpenAI, the deployment name.
    /// </summary>
    /// <value>$env:PSLLM_MODEL, else gpt-4o-mini</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>An OpenAI organization ID, sent as the OpenAI-Organization header. Other servers ignore it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Organization { get; set; }

    /// <summary>An OpenAI project ID, sent as the OpenAI-Project header. Other servers ignore it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Project { get; set; }

    /// <summary>
    /// How long to wait, in seconds (1 to 86400), for the server's response headers, and the longest silence allowed
    /// between two chunks of a streamed answer. A chat that runs into it fails with the error id LlmTimeout (category
    /// OperationTimeout), also when retries ran before; the text that had arrived is kept in the exception's
    /// PartialText.
    /// </summary>
    /// <value>100</value>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; }

    /// <summary>
    /// How many times a request that fails with HTTP 429, a 5xx status or a connection error is sent again, from 0 to
    /// 10. The client waits with exponential back-off between tries and honours the server's Retry-After. Every retry
    /// raises a Retry event.
    /// </summary>
    /// <value>2</value>
    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// The longest wait before a retry, in seconds, from 0 to 86400. Retries wait what the server asks (retry-after-ms,
    /// or Retry-After in seconds or as an HTTP date), else an exponential back-off; a server that asks for longer than
    /// this is not retried: the chat fails at once with LlmRateLimited, and the exception's RetryAfter says how long
    /// the server asked to wait.
    /// </summary>
    /// <value>60</value>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int MaxRetryDelay { get; set; } = 60;

    /// <summary>
    /// <para>
    /// Extra HTTP headers sent with every request, as a hashtable of name = value. Values may be strings or
    /// SecureStrings. A header given here replaces one of the same name that the client would send.
    /// </para>
    /// <para>
    /// Header values are treated as secrets: they are never shown (the client exposes only HeaderNames) and are removed
    /// from error messages. A name that is empty or contains a space, a control character or a colon is a terminating
    /// error with the id LlmInvalidHeader.
    /// </para>
    /// </summary>
    [Parameter]
    public Hashtable? Header { get; set; }

    /// <summary>
    /// <para>
    /// Client-scoped callback handlers: they fire for every chat of this client, but not for chats on other clients
    /// that run nested inside them. Each item is a scriptblock (called for every event, with the event as $_ and
    /// $args[0]), an object deriving from PsLlm.CallbackHandler, or a hashtable of event name = scriptblock, such as @{
    /// LlmNewToken = { ... }; LlmEnd = { ... } }.
    /// </para>
    /// <para>
    /// The handlers are listed in the client's Callbacks property. Anything else is a terminating error with the id
    /// LlmInvalidCallback.
    /// </para>
    /// </summary>
    [Parameter]
    public object[]? Callback { get; set; }

    /// <summary>
    /// Makes this client the session's default: Invoke-LlmChat uses it whenever it is given no -Client. A previous
    /// default client stops being the default (its IsDefault property becomes False). The default applies to the
    /// current runspace only.
    /// </summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <summary>
    /// <para>
    /// A proxy for every request of this client, as for Invoke-RestMethod -Proxy: http://proxy.example.com:8080 (https
    /// and socks5 proxies work too). An https endpoint is reached through a tunnel (CONNECT), an http one by sending the
    /// request to the proxy.
    /// </para>
    /// <para>
    /// Without it the client uses the proxy the environment names: HTTPS_PROXY for https endpoints, HTTP_PROXY for
    /// http ones, skipping the hosts in NO_PROXY (on Windows, else the system's proxy settings). A URL with a user name
    /// or password is rejected (LlmInvalidProxy): give those with -ProxyCredential.
    /// </para>
    /// </summary>
    /// <value>The environment's proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)</value>
    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    /// <summary>
    /// The user name and password the proxy asks for (HTTP 407), for -Proxy or the environment's proxy. They are kept
    /// like the API key: never shown, logged or put in error messages; HasProxyCredential says whether there are any.
    /// A proxy that still refuses fails the chat with LlmProxyAuthenticationRequired.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Send requests straight to the server, past any proxy the environment or the system names.</summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    /// <summary>
    /// The most requests this client starts per minute, across all its chats (those run at once with Invoke-LlmChat
    /// -ThrottleLimit included): the starts are spread evenly, one every 60/N seconds. Set it to your account's limit to
    /// avoid 429s altogether. Independently, a 429 with Retry-After, or rate-limit headers that say nothing is left
    /// (x-ratelimit-remaining-requests: 0), pause every request of the client until the time the server names.
    /// </summary>
    /// <value>None (as fast as the server allows)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int RequestsPerMinute { get; set; }

    /// <summary>
    /// The most tokens this client sends per minute, across all its chats: a request waits until the budget has room
    /// for it. A request is counted by an estimate, a token per four bytes of its body, since servers count only once
    /// they answer.
    /// </summary>
    /// <value>None (as the server allows)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TokensPerMinute { get; set; }

    /// <summary>
    /// Records every exchange of the client (request and answer, streams included) to this file, in the OpenAI .NET
    /// SDK's session record format, for New-LlmFakeClient -ReplayPath to replay in tests. The API key, the values of
    /// -Header, cookies and any other secret the client holds are written as "Sanitized"; prompts and answers are
    /// written as they are. The file is rewritten after each exchange; its folder must exist.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RecordPath { get; set; }

    // Checked now, not at the first chat: the folder must exist, and the path must not be a folder.
    private static string RecordFile(string path)
    {
        if (Directory.Exists(path) || Path.GetDirectoryName(path) is { Length: > 0 } folder && !Directory.Exists(folder))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmRecordPathInvalid", $"'{path}' cannot be a recording: {(Directory.Exists(path) ? "it is a folder" : "its folder does not exist")}.") { ParameterName = nameof(RecordPath) };
        return path;
    }

    /// <summary>A client per input object; -Default makes the last one the default.</summary>
    protected override void ProcessRecord()
    {
        try
        {
            var environmentUrl = Environment.GetEnvironmentVariable(ClientResolver.BaseUrlVariable);
            var endpoint = ChatEngine.ParseEndpoint(Endpoint
                ?? (string.IsNullOrWhiteSpace(environmentUrl) ? LlmClient.OpenAIEndpoint.ToString() : environmentUrl));
            if (NoProxy && (Proxy is not null || ProxyCredential is not null))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidProxy",
                    "-NoProxy sends requests past every proxy; give it without -Proxy and -ProxyCredential.") { ParameterName = "NoProxy" };
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
                TimeSpan.FromSeconds(MaxRetryDelay))
            {
                Proxy = Proxy is null ? null : ChatEngine.CheckProxy(Proxy),
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                NoProxy = NoProxy,
                RequestsPerMinute = MyInvocation.BoundParameters.ContainsKey(nameof(RequestsPerMinute)) ? RequestsPerMinute : null,
                TokensPerMinute = MyInvocation.BoundParameters.ContainsKey(nameof(TokensPerMinute)) ? TokensPerMinute : null,
                RecordPath = RecordPath is null ? null : RecordFile(FileSystemPath.Resolve(this, RecordPath, "LlmRecordPathInvalid", "a recording is a file")),
            };
            if (Default) ModuleState.Current.MakeDefault(client);
            WriteObject(client);
        }
        catch (LlmException error)
        {
            // The endpoint as given may carry user:password@; the record never does.
            ThrowTerminatingError(LlmErrorRecords.From(error, ChatEngine.RedactUrl(Endpoint)));
        }
    }
}
