using ModelContextProtocol.Client;
using PsLlm.Engine.Mcp;

namespace PsLlm.Engine;

/// <summary>
/// Connections to Model Context Protocol servers, for the MCP cmdlets: connect over stdio (a
/// process started here) or streamable HTTP, list a server's tools as <see cref="LlmTool"/>s,
/// read its log messages, disconnect. Failures are <see cref="LlmException"/>s.
/// </summary>
public static class McpClients
{
    private const string SetSid = "/usr/bin/setsid";

    /// <summary>Starts <paramref name="command"/> and connects to it over its standard input and output.</summary>
    public static McpServerConnection ConnectStdio(
        string? name, string command, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment,
        string? workingDirectory, TimeSpan connectTimeout, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        var target = string.Join(" ", arguments.Prepend(command).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        // What the server writes to standard error is its log: shown with -Verbose, as its log
        // messages are. Lines written while it starts are kept until the session exists.
        McpServerConnection? connection = null;
        var early = new List<string>();
        void Stderr(string line)
        {
            lock (early)
            {
                if (connection?.Handle is McpSession session) session.Notice($"(stderr) {line}");
                else early.Add(line);
            }
        }
        // Ctrl+C at a terminal interrupts the whole foreground process group, and a server started
        // here would be in it and die with the chat's stop: on Linux it gets a session of its own.
        var ownSession = OperatingSystem.IsLinux() && File.Exists(SetSid);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            StandardErrorLines = Stderr,
            Command = ownSession ? SetSid : command,
            Arguments = ownSession ? arguments.Prepend(command).ToList() : arguments.ToList(),
            EnvironmentVariables = environment.ToDictionary(p => p.Key, p => p.Value),
            WorkingDirectory = workingDirectory,
            Name = name ?? Path.GetFileNameWithoutExtension(command),
        });
        var connected = Connect(name, "stdio", target, transport, connectTimeout, callTimeout, Array.Empty<string>(), cancellationToken);
        lock (early)
        {
            connection = connected;
            foreach (var line in early) McpSession.Of(connected).Notice($"(stderr) {line}");
        }
        return connected;
    }

    /// <summary>Connects to a streamable HTTP endpoint, sending <paramref name="headers"/> with every request.</summary>
    public static McpServerConnection ConnectHttp(
        string? name, Uri uri, IReadOnlyDictionary<string, string> headers, TimeSpan connectTimeout, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = uri,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers.ToDictionary(p => p.Key, p => p.Value),
            ConnectionTimeout = connectTimeout,
            Name = name ?? uri.Host,
        });
        return Connect(name, "http", uri.GetLeftPart(UriPartial.Path), transport, connectTimeout, callTimeout, headers.Keys.ToArray(), cancellationToken);
    }

    /// <summary>Connects over any transport (the tests' in-memory servers).</summary>
    internal static McpServerConnection Connect(
        string? name, string kind, string target, IClientTransport transport, TimeSpan connectTimeout, TimeSpan callTimeout,
        IReadOnlyList<string> headerNames, CancellationToken cancellationToken)
    {
        var connection = new McpServerConnection(name ?? string.Empty, kind, target) { CallTimeout = callTimeout, HeaderNames = headerNames };
        try
        {
            McpSession.StartAsync(connection, transport, connectTimeout, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            var why = error is OperationCanceledException or TimeoutException ? $"it did not complete the handshake within {connectTimeout.TotalSeconds:0.###} s" : error.GetBaseException().Message;
            throw new LlmException(LlmErrorKind.Connection, "LlmMcpConnectionFailed", $"Could not connect to the MCP server at {target}: {why}", error);
        }
        if (string.IsNullOrEmpty(connection.Name)) connection.Name = connection.ServerName ?? target;
        return connection;
    }

    /// <summary>The server's tools, listed now (every page); with <paramref name="attachImages"/>, the images they return are shown to the model.</summary>
    public static IReadOnlyList<LlmTool> Tools(McpServerConnection connection, CancellationToken cancellationToken, bool attachImages = false)
    {
        var session = McpSession.Of(connection);
        EnsureConnected(connection);
        try
        {
            var tools = session.Client.ListToolsAsync(cancellationToken: cancellationToken).AsTask().GetAwaiter().GetResult();
            return tools.Select(t => (LlmTool)new McpTool(session, t.ProtocolTool) { AttachImages = attachImages }).ToArray();
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new LlmException(LlmErrorKind.Connection, "LlmMcpListToolsFailed", $"MCP server '{connection.Name}' did not list its tools: {error.GetBaseException().Message}", error);
        }
    }

    /// <summary>The server's log messages received since the last call (shown as verbose messages).</summary>
    public static IReadOnlyList<string> TakeNotices(McpServerConnection connection) =>
        connection.Handle is McpSession session ? session.TakeNotices() : Array.Empty<string>();

    /// <summary>Closes the connection (a stdio server's process is ended).</summary>
    public static void Disconnect(McpServerConnection connection)
    {
        if (connection.Handle is not McpSession session) return;
        connection.State = McpConnectionState.Disconnected;
        try { session.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { /* a server that is gone already is disconnected all the same */ }
    }

    private static void EnsureConnected(McpServerConnection connection)
    {
        if (connection.State != McpConnectionState.Connected)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmMcpServerNotConnected",
                $"MCP server '{connection.Name}' is {connection.State.ToString().ToLowerInvariant()}{(connection.Reason is { } why ? $" ({why})" : string.Empty)}.");
    }
}
