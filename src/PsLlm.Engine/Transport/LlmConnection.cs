using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Runtime.CompilerServices;
using OpenAI;
using OpenAI.Chat;

namespace PsLlm.Engine.Transport;

/// <summary>
/// The SDK side of an <see cref="LlmClient"/>: the SDK's HTTP pipeline (authentication, retries,
/// timeouts, the client's headers) behind one ChatClient whose protocol method sends the bodies
/// PsLlm writes, and the redactor that knows the client's secrets. Built on first use and kept
/// beside the client for as long as the client lives (the public client carries no engine state).
/// </summary>
internal sealed class LlmConnection
{
    private static readonly ConditionalWeakTable<LlmClient, LlmConnection> Connections = new();
    /// <summary>What the SDK waits for response headers when the client sets no timeout.</summary>
    private static readonly TimeSpan SdkDefaultTimeout = TimeSpan.FromSeconds(100);

    private LlmConnection(LlmClient client)
    {
        var key = client.ApiKey is { Length: > 0 } secure ? new NetworkCredential(string.Empty, secure).Password : null;
        var isAzure = client.Endpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase);
        var options = new OpenAIClientOptions
        {
            Endpoint = client.Endpoint,
            OrganizationId = client.Organization,
            ProjectId = client.Project,
            RetryPolicy = new RetryPolicy(client.MaxRetries, client.MaxRetryDelay),
            UserAgentApplicationId = "PsLlm",
        };
        if (client.Timeout is { } timeout) options.NetworkTimeout = timeout;
        Redactor = new SecretRedactor(client.Headers.Values.Append(key).Append(client.ProxyCredential?.Password));
        if (Transport(client, Redactor) is { } transport) options.Transport = transport;
        // Every try of every request (retries too) waits for its turn in the client's one pace.
        Pacer = new RequestPacer(client.RequestsPerMinute, client.TokensPerMinute);
        options.AddPolicy(new PacingPolicy(Pacer), PipelinePosition.PerTry);
        options.AddPolicy(new RequestHeaderPolicy(client.Headers, key is not null, isAzure ? key : null), PipelinePosition.BeforeTransport);
        // The SDK insists on a credential; without a key the header policy strips it again.
        // The model travels in each body PsLlm writes; the ChatClient's own model is never sent.
        Chat = new OpenAIClient(new ApiKeyCredential(key ?? "no-key"), options).GetChatClient("unused");
        StreamIdleTimeout = client.Timeout ?? SdkDefaultTimeout;
    }

    public SecretRedactor Redactor { get; }

    /// <summary>The client's one pace for all its requests (rate limits, the server's waits).</summary>
    public RequestPacer Pacer { get; }

    /// <summary>
    /// An HTTP transport of the client's own when it names a proxy, no proxy, or proxy credentials,
    /// records its exchanges (-RecordPath), or is a fake that answers in the process; otherwise
    /// null, and the SDK's shared one applies, with the proxy .NET takes from the environment
    /// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
    /// </summary>
    private static HttpClientPipelineTransport? Transport(LlmClient client, SecretRedactor redactor)
    {
        if (client is LlmFakeClient fake) return Over(new FakeAnswerHandler(fake));
        var network = NetworkHandler(client);
        if (client.RecordPath is { } path) return Over(new RecordingHandler(network ?? new SocketsHttpHandler(), path, client.HeaderNames, redactor));
        return network is null ? null : Over(network);
    }

    private static SocketsHttpHandler? NetworkHandler(LlmClient client)
    {
        if (client.Proxy is null && !client.NoProxy && client.ProxyCredential is null) return null;
        var handler = new SocketsHttpHandler { UseProxy = !client.NoProxy };
        if (client.NoProxy) return handler;
        if (client.Proxy is { } proxy) handler.Proxy = new WebProxy(proxy) { Credentials = client.ProxyCredential };
        else handler.DefaultProxyCredentials = client.ProxyCredential;
        return handler;
    }

    // The SDK's pipeline times each try (NetworkTimeout) and streams reads; HttpClient must not cut them.
    private static HttpClientPipelineTransport Over(HttpMessageHandler handler) =>
        new(new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    /// <summary>Sends chat-completions bodies through the SDK's pipeline (protocol method).</summary>
    public ChatClient Chat { get; }

    /// <summary>The longest silence between two chunks of a streamed answer.</summary>
    public TimeSpan StreamIdleTimeout { get; }

    /// <summary>Set once the server rejected stream_options, so usage is not requested again.</summary>
    public bool StreamUsageUnsupported { get; set; }

    /// <summary>The client's connection, made on its first chat and shared by all its chats.</summary>
    public static LlmConnection For(LlmClient client) => Connections.GetValue(client, c => new LlmConnection(c));

    /// <summary>The client's connection if a chat made it already; null before its first chat.</summary>
    public static LlmConnection? Existing(LlmClient client) => Connections.TryGetValue(client, out var connection) ? connection : null;
}
