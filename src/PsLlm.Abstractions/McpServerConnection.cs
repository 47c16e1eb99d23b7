namespace PsLlm;

/// <summary>
/// A connection to a Model Context Protocol server (Connect-LlmMcpServer): what it is, what it can
/// do and whether it is still connected. Its tools come from Get-LlmMcpTool. Headers given for
/// the connection are secret: only their names are shown.
/// </summary>
public sealed class McpServerConnection
{
    internal McpServerConnection(string name, string transport, string target)
    {
        Name = name;
        Transport = transport;
        Target = target;
    }

    /// <summary>The name it was connected under: -Name, else the server's own name.</summary>
    public string Name { get; internal set; }
    /// <summary>"stdio" (a process PsLlm started) or "http" (streamable HTTP).</summary>
    public string Transport { get; }
    /// <summary>The command line (stdio) or the URL (http), without header values.</summary>
    public string Target { get; }
    /// <summary>The server's name, as it introduced itself.</summary>
    public string? ServerName { get; internal set; }
    /// <summary>The server's version, as it introduced itself.</summary>
    public string? ServerVersion { get; internal set; }
    /// <summary>The protocol version both ends agreed on.</summary>
    public string? ProtocolVersion { get; internal set; }
    /// <summary>What the server offers: tools, prompts, resources, logging, completions.</summary>
    public IReadOnlyList<string> Capabilities { get; internal set; } = Array.Empty<string>();
    /// <summary>The server's instructions for clients, if it gave any.</summary>
    public string? Instructions { get; internal set; }
    /// <summary>The names of the headers sent with every request (their values are never shown).</summary>
    public IReadOnlyList<string> HeaderNames { get; internal set; } = Array.Empty<string>();
    /// <summary>How long a tool call may take before it is given up (and cancelled at the server).</summary>
    public TimeSpan CallTimeout { get; internal set; }
    /// <summary>When the connection was made.</summary>
    public DateTimeOffset ConnectedAt { get; internal set; }
    /// <summary>Connected, Disconnected (Disconnect-LlmMcpServer) or Failed (the server went away).</summary>
    public McpConnectionState State { get; internal set; }
    /// <summary>Why the connection failed, when it did.</summary>
    public string? Reason { get; internal set; }

    /// <summary>The engine's client for this connection (opaque outside the engine).</summary>
    internal object? Handle { get; set; }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

/// <summary>The state of an <see cref="McpServerConnection"/>.</summary>
public enum McpConnectionState
{
    /// <summary>Connected: its tools can be called.</summary>
    Connected,
    /// <summary>Closed by Disconnect-LlmMcpServer (or when PsLlm was removed).</summary>
    Disconnected,
    /// <summary>The server went away (the process ended, the connection broke).</summary>
    Failed,
}
