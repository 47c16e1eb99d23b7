using System.Security;

namespace PsLlm;

/// <summary>
/// A connection to an OpenAI-compatible server: endpoint, credentials, default model, transport
/// settings and client-scoped callbacks. Created by New-LlmClient. The API key is held as a
/// SecureString and is never exposed by any property or by ToString. <see cref="LlmFakeClient"/>
/// is the one kind of client that answers without a server.
/// </summary>
public class LlmClient : LlmEventSource
{
    /// <summary>OpenAI's public endpoint, used when no endpoint is given.</summary>
    public static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");

    /// <summary>The model used when neither -Model nor PSLLM_MODEL says otherwise.</summary>
    public const string FallbackModel = "gpt-4o-mini";

    private readonly Dictionary<string, string> _headers;
    private readonly List<CallbackHandler> _callbacks;

    /// <summary>A client for the server at <paramref name="endpoint"/> (New-LlmClient). The key is copied; the copy is read-only.</summary>
    public LlmClient(
        Uri endpoint,
        SecureString? apiKey,
        string model,
        string? organization = null,
        string? project = null,
        TimeSpan? timeout = null,
        int maxRetries = 2,
        IDictionary<string, string>? headers = null,
        IEnumerable<CallbackHandler>? callbacks = null,
        TimeSpan? maxRetryDelay = null)
    {
        // Credentials never belong in a URL PsLlm shows or logs (HttpClient ignores them anyway).
        Endpoint = string.IsNullOrEmpty(endpoint.UserInfo) ? endpoint : new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty }.Uri;
        ApiKey = apiKey?.Copy();
        ApiKey?.MakeReadOnly();
        Model = model;
        Organization = organization;
        Project = project;
        Timeout = timeout;
        MaxRetries = maxRetries;
        MaxRetryDelay = maxRetryDelay ?? DefaultMaxRetryDelay;
        _headers = new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        HeaderNames = _headers.Keys.ToArray();
        _callbacks = new List<CallbackHandler>(callbacks ?? Array.Empty<CallbackHandler>());
    }

    /// <summary>Base URL of the API, e.g. http://localhost:11434/v1.</summary>
    public Uri Endpoint { get; }
    /// <summary>Model used when a chat names none.</summary>
    public string Model { get; }
    /// <summary>An OpenAI organization id, sent as the OpenAI-Organization header.</summary>
    public string? Organization { get; }
    /// <summary>An OpenAI project id, sent as the OpenAI-Project header.</summary>
    public string? Project { get; }
    /// <summary>
    /// How long to wait for the response headers, and the longest silence between two chunks of a
    /// streamed answer; null for the SDK's default (100 seconds).
    /// </summary>
    public TimeSpan? Timeout { get; }
    /// <summary>How often a failed request (429, 5xx, connection) is retried.</summary>
    public int MaxRetries { get; }
    /// <summary>
    /// The longest wait before a retry. A server that asks for longer (Retry-After) fails the chat
    /// at once with LlmRateLimited and the time it asked for, instead of keeping it waiting.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; }

    /// <summary>What <see cref="MaxRetryDelay"/> is when not given: one minute.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(60);
    /// <summary>Whether an API key was given (the key itself is never shown).</summary>
    public bool HasApiKey => ApiKey is not null && ApiKey.Length > 0;
    /// <summary>
    /// Names of the extra request headers, as a copy; values are withheld because they may be
    /// secrets (nothing reachable from this list leads back to them).
    /// </summary>
    public IReadOnlyCollection<string> HeaderNames { get; }
    /// <summary>Handlers that fire for every run of this client (not for runs of other clients nested inside).</summary>
    public IReadOnlyList<CallbackHandler> Callbacks => _callbacks;
    /// <summary>
    /// True for the session's default client (New-LlmClient -Default, or built from the environment).
    /// Read-only: New-LlmClient -Default is what makes a client the default.
    /// </summary>
    public bool IsDefault { get; internal set; }

    /// <summary>
    /// The proxy its requests go through (New-LlmClient -Proxy). Null: the system's proxy, which
    /// .NET takes from HTTPS_PROXY, HTTP_PROXY and NO_PROXY (on Windows also the system settings),
    /// unless <see cref="NoProxy"/>. Never carries credentials: those are kept apart and not shown.
    /// </summary>
    public Uri? Proxy
    {
        get => _proxy;
        init => _proxy = value is null || string.IsNullOrEmpty(value.UserInfo) ? value : new UriBuilder(value) { UserName = string.Empty, Password = string.Empty }.Uri;
    }

    /// <summary>True when requests go straight to the server, past any proxy the system names.</summary>
    public bool NoProxy { get; init; }

    /// <summary>Whether the proxy gets credentials (New-LlmClient -ProxyCredential); they are never shown.</summary>
    public bool HasProxyCredential => ProxyCredential is not null;

    /// <summary>The proxy's credentials, for the engine's transport only.</summary>
    internal System.Net.NetworkCredential? ProxyCredential { get; init; }

    private readonly Uri? _proxy;

    /// <summary>
    /// The most requests started per minute (New-LlmClient -RequestsPerMinute), spread evenly over
    /// the minute across every chat of the client; null: as fast as the server allows.
    /// </summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>
    /// The most tokens sent per minute (New-LlmClient -TokensPerMinute), each request counted by an
    /// estimate of its size (a token per four bytes); null: as the server allows.
    /// </summary>
    public int? TokensPerMinute { get; init; }

    /// <summary>
    /// A file every exchange of this client is recorded to (New-LlmClient -RecordPath), in the OpenAI SDK's session
    /// record format, keys and header values sanitized: New-LlmFakeClient -ReplayPath replays it. Null: nothing is recorded.
    /// </summary>
    public string? RecordPath { get; init; }

    internal SecureString? ApiKey { get; }
    internal IReadOnlyDictionary<string, string> Headers => _headers;

    /// <summary>True when the endpoint is this machine, where servers such as Ollama need no key.</summary>
    public bool IsLocal => Endpoint.IsLoopback;

    /// <summary>The endpoint and the model; never the key.</summary>
    public override string ToString() => $"{Endpoint} ({Model})";
}
