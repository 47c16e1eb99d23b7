using System.Management.Automation;

namespace PsLlm.State;

/// <summary>The session's MCP connections, by name (not case-sensitive); a name is used by one connection at a time.</summary>
internal sealed class McpServerList
{
    private readonly List<McpServerConnection> _servers = new();

    public IReadOnlyList<McpServerConnection> All
    {
        get { lock (_servers) return _servers.ToArray(); }
    }

    public McpServerConnection? Find(string name)
    {
        lock (_servers) return _servers.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds it; false when its name is taken by a connection still connected.</summary>
    public bool TryAdd(McpServerConnection connection)
    {
        lock (_servers)
        {
            var taken = _servers.FirstOrDefault(s => string.Equals(s.Name, connection.Name, StringComparison.OrdinalIgnoreCase));
            if (taken is { State: McpConnectionState.Connected }) return false;
            if (taken is not null) _servers.Remove(taken);
            _servers.Add(connection);
            return true;
        }
    }

    public void Remove(McpServerConnection connection)
    {
        lock (_servers) _servers.Remove(connection);
    }

    /// <summary>The connections named by <paramref name="names"/> (wildcards), reporting names that match none.</summary>
    public IEnumerable<McpServerConnection> Select(string[]? names, Cmdlet cmdlet) =>
        WildcardSelection.Select(All, s => s.Name, names, name => new ErrorRecord(
            new ItemNotFoundException($"No MCP server named '{name}' is connected. Get-LlmMcpServer lists them."),
            "LlmMcpServerNotFound", ErrorCategory.ObjectNotFound, name), cmdlet);
}
