using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace PsLlm.Engine.Mcp;

// MCP's logging (notifications/message, logging/setLevel) is deprecated as of the 2026-07-28
// specification, but servers in use send it, the reference server among them: it is shown.
#pragma warning disable MCP9005

/// <summary>
/// The engine's side of one <see cref="McpServerConnection"/>: the SDK's client, the server's log
/// messages waiting to be shown, and the watch that marks the connection Failed when the server
/// goes away.
/// </summary>
internal sealed class McpSession : IAsyncDisposable
{
    /// <summary>Log messages kept until a tool call or Get-LlmMcpServer shows them (the newest).</summary>
    private const int NoticesKept = 200;

    private readonly ConcurrentQueue<string> _notices = new();

    private McpSession(McpServerConnection connection, McpClient client)
    {
        Connection = connection;
        Client = client;
    }

    public McpServerConnection Connection { get; }
    public McpClient Client { get; }

    public static McpSession Of(McpServerConnection connection) =>
        connection.Handle as McpSession ?? throw new InvalidOperationException($"MCP server '{connection.Name}' has no session.");

    public static async Task<McpSession> StartAsync(McpServerConnection connection, IClientTransport transport, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "PsLlm", Version = typeof(McpSession).Assembly.GetName().Version?.ToString(3) ?? "0.1.0" },
            InitializationTimeout = connectTimeout,
        };
        McpSession? session = null;
        // Registered before the handshake, so a server that logs while starting is heard.
        options.Handlers = new McpClientHandlers
        {
            NotificationHandlers =
            [
                new(NotificationMethods.LoggingMessageNotification, (notification, _) =>
                {
                    session?.Notice(LogLine(notification.Params));
                    return default;
                }),
            ],
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        var client = await McpClient.CreateAsync(transport, options, loggerFactory: null, timeout.Token).ConfigureAwait(false);
        session = new McpSession(connection, client);
        connection.Handle = session;
        connection.ServerName = client.ServerInfo?.Name;
        connection.ServerVersion = client.ServerInfo?.Version;
        connection.ProtocolVersion = client.NegotiatedProtocolVersion;
        connection.Instructions = client.ServerInstructions;
        connection.Capabilities = Capabilities(client.ServerCapabilities);
        connection.ConnectedAt = DateTimeOffset.UtcNow;
        connection.State = McpConnectionState.Connected;
        _ = client.Completion.ContinueWith(ended => session.Ended(ended), TaskScheduler.Default);
        if (client.ServerCapabilities?.Logging is not null)
        {
            try { await client.SetLoggingLevelAsync(LoggingLevel.Info, cancellationToken: timeout.Token).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException) { session.Notice($"the server refused the log level: {ex.Message}"); }
        }
        return session;
    }

    /// <summary>Log messages received since the last call, oldest first.</summary>
    public IReadOnlyList<string> TakeNotices()
    {
        var taken = new List<string>();
        while (_notices.TryDequeue(out var line)) taken.Add(line);
        return taken;
    }

    public void Notice(string line)
    {
        _notices.Enqueue($"MCP {Connection.Name}: {line}");
        while (_notices.Count > NoticesKept) _notices.TryDequeue(out _);
    }

    private void Ended(Task<ClientCompletionDetails> ended)
    {
        if (Connection.State != McpConnectionState.Connected) return;
        Connection.State = McpConnectionState.Failed;
        Connection.Reason = ended.IsFaulted
            ? ended.Exception?.GetBaseException().Message
            : ended.Result.Exception?.Message ?? "the server closed the connection";
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection.State == McpConnectionState.Connected) Connection.State = McpConnectionState.Disconnected;
        await Client.DisposeAsync().ConfigureAwait(false);
    }

    private static IReadOnlyList<string> Capabilities(ServerCapabilities? capabilities)
    {
        if (capabilities is null) return Array.Empty<string>();
        var names = new List<string>();
        if (capabilities.Tools is not null) names.Add("tools");
        if (capabilities.Prompts is not null) names.Add("prompts");
        if (capabilities.Resources is not null) names.Add("resources");
        if (capabilities.Logging is not null) names.Add("logging");
        if (capabilities.Completions is not null) names.Add("completions");
        return names;
    }

    // notifications/message: { level, logger?, data } where data is any JSON value.
    private static string LogLine(JsonNode? parameters)
    {
        var level = parameters?["level"]?.GetValue<string>() ?? "info";
        var logger = parameters?["logger"]?.GetValue<string>();
        var data = parameters?["data"] switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            null => string.Empty,
            var other => other.ToJsonString(),
        };
        return logger is null ? $"[{level}] {data}" : $"[{level}] {logger}: {data}";
    }
}
