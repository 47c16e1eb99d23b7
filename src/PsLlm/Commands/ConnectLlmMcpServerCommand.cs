using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Connects to a Model Context Protocol server, whose tools can then be given to chats.</summary>
/// <remarks>
/// <para>
/// The Connect-LlmMcpServer cmdlet connects to an MCP server and returns a PsLlm.McpServerConnection (Name, Transport,
/// Target, ServerName, ServerVersion, ProtocolVersion, Capabilities, State). With -Command it starts the server as a
/// process and talks to it over its standard input and output (stdio), as AI clients start local servers; -ArgumentList,
/// -Environment and -WorkingDirectory shape the process. With -Uri it connects to a streamable HTTP endpoint; -Header
/// adds headers (such as Authorization) to every request, whose values are never shown.
/// </para>
/// <para>
/// Get-LlmMcpTool then gets the server's tools as PsLlm.LlmTool objects for Invoke-LlmChat -Tool and Start-LlmChat -Tool.
/// Get-LlmMcpServer lists the connections of the session; Disconnect-LlmMcpServer closes them (a stdio server's process
/// ends).
/// </para>
/// <para>
/// Everything is checked before anything starts: a -Command that is not found writes LlmMcpCommandNotFound
/// (ObjectNotFound), a -Uri that is not an absolute http or https URL LlmInvalidMcpUri (InvalidArgument), a name in use by
/// a connected server LlmMcpServerNameInUse (ResourceExists). A server that does not complete the handshake within
/// -ConnectTimeoutSec writes LlmMcpConnectionFailed (ConnectionError). Ctrl+C stops the attempt.
/// </para>
/// </remarks>
/// <input type="None">You cannot pipe objects to Connect-LlmMcpServer.</input>
/// <output type="PsLlm.McpServerConnection">The connection.</output>
/// <notes>
/// <para>
/// The server's log messages are shown as verbose messages (-Verbose) while its tools run, and its progress
/// notifications as a progress bar. A tool call that takes longer than -TimeoutSec is cancelled at the server and
/// reported to the model as the tool's error.
/// </para>
/// <para>Connections belong to the session (runspace) and end with it.</para>
/// </notes>
/// <example title="the reference server, over stdio" needs="Node.js and the network to fetch @modelcontextprotocol/server-everything">
/// <code><![CDATA[
/// $everything = Connect-LlmMcpServer -Command npx -ArgumentList '-y', '@modelcontextprotocol/server-everything' -Name everything
/// $everything | Format-List Name, ServerName, ServerVersion, Capabilities
/// Get-LlmMcpTool -Server $everything
/// ]]></code>
/// <para>Starts the MCP reference server with npx, connects to it and lists its tools.</para>
/// </example>
/// <example title="a PowerShell MCP server of your own">
/// <code><![CDATA[
/// $module = Join-Path (Get-Module PsLlm).ModuleBase PsLlm.psd1
/// $serve = "Import-Module '$module'; Start-LlmMcpServer -Tool (New-LlmTool -Command Get-Date)"
/// $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
/// $clock = Connect-LlmMcpServer -Command $pwsh -ArgumentList '-NoProfile', '-Command', $serve -Name clock
/// (Get-LlmMcpTool -Server $clock).Name    # Get-Date
/// $clock | Disconnect-LlmMcpServer
/// ]]></code>
/// <para>
/// Starts another pwsh that serves Get-Date with Start-LlmMcpServer, connects to it and lists its tool. Any MCP client
/// can start that same command line.
/// </para>
/// </example>
/// <example title="a remote server over streamable HTTP" needs="an MCP server at that URL">
/// <code><![CDATA[
/// $token = Read-Host -AsSecureString 'Token'
/// $plain = [System.Net.NetworkCredential]::new('', $token).Password
/// $docs = Connect-LlmMcpServer -Uri https://mcp.example.com/mcp -Header @{ Authorization = "Bearer $plain" } -Name docs
/// Invoke-LlmChat 'What does the deployment guide say about rollbacks?' -Tool (Get-LlmMcpTool -Server $docs)
/// ]]></code>
/// <para>Connects with a bearer token; the connection shows the header's name (HeaderNames), never its value.</para>
/// </example>
[Cmdlet(VerbsCommunications.Connect, "LlmMcpServer", DefaultParameterSetName = StdioSet)]
[OutputType(typeof(McpServerConnection))]
public sealed class ConnectLlmMcpServerCommand : PSCmdlet, IDisposable
{
    private const string StdioSet = "Stdio";
    private const string HttpSet = "Http";
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The program that runs the server (a name found on PATH, or a path), talked to over stdio.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = StdioSet)]
    [ValidateNotNullOrEmpty]
    public string Command { get; set; } = string.Empty;

    /// <summary>The arguments of -Command, each passed as it is.</summary>
    /// <value>None</value>
    [Parameter(Position = 1, ParameterSetName = StdioSet)]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>Environment variables for the server's process, beside this session's; $null removes one.</summary>
    /// <value>None</value>
    [Parameter(ParameterSetName = StdioSet)]
    public Hashtable? Environment { get; set; }

    /// <summary>The folder the server's process starts in.</summary>
    /// <value>The current location</value>
    [Parameter(ParameterSetName = StdioSet)]
    public string? WorkingDirectory { get; set; }

    /// <summary>The streamable HTTP endpoint of the server (an absolute http or https URL, such as http://localhost:3001/mcp).</summary>
    [Parameter(Mandatory = true, ParameterSetName = HttpSet)]
    public Uri Uri { get; set; } = null!;

    /// <summary>Headers sent with every request (such as Authorization). Their values are secret: never shown or logged.</summary>
    /// <value>None</value>
    [Parameter(ParameterSetName = HttpSet)]
    public Hashtable? Header { get; set; }

    /// <summary>The connection's name, which tools and events carry; unique among connected servers.</summary>
    /// <value>The server's own name</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>How long, in seconds, the server may take to start and complete the handshake.</summary>
    /// <value>30</value>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSec { get; set; } = 30;

    /// <summary>How long, in seconds, a tool call may take before it is cancelled at the server and reported as the tool's error.</summary>
    /// <value>120</value>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 120;

    /// <summary>Checks the arguments, connects and writes the connection.</summary>
    protected override void EndProcessing()
    {
        var servers = ModuleState.Current.McpServers;
        if (Name is not null && servers.Find(Name) is { State: McpConnectionState.Connected })
            ThrowTerminatingError(NameInUse(Name));
        McpServerConnection connection;
        try
        {
            connection = ParameterSetName == StdioSet ? ConnectStdio() : ConnectHttp();
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, ParameterSetName == StdioSet ? Command : Uri));
            return;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        if (!servers.TryAdd(connection))
        {
            McpClients.Disconnect(connection);
            ThrowTerminatingError(NameInUse(connection.Name));
        }
        WriteObject(connection);
    }

    private McpServerConnection ConnectStdio()
    {
        var program = ResolveProgram();
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment ?? new Hashtable())
            environment[entry.Key.ToString()!] = entry.Value is null ? null : LanguagePrimitives.ConvertTo<string>(entry.Value);
        var folder = WorkingDirectory is null
            ? SessionState.Path.CurrentFileSystemLocation.ProviderPath
            : FileSystemPath.Resolve(this, WorkingDirectory, "LlmMcpWorkingDirectoryNotFound", "working directory");
        WriteVerbose($"Starting the MCP server {program} {string.Join(" ", ArgumentList)}.");
        return McpClients.ConnectStdio(Name, program, ArgumentList, environment, folder,
            TimeSpan.FromSeconds(ConnectTimeoutSec), TimeSpan.FromSeconds(TimeoutSec), _stop.Token);
    }

    private McpServerConnection ConnectHttp()
    {
        if (!Uri.IsAbsoluteUri || Uri.Scheme is not ("http" or "https"))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Uri must be an absolute http or https URL, such as http://localhost:3001/mcp; '{Uri.OriginalString}' is not."),
                "LlmInvalidMcpUri", ErrorCategory.InvalidArgument, Uri));
        Dictionary<string, string> headers;
        try
        {
            headers = HeaderArgument.ToHeaders(Header);
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, null));
            throw;
        }
        WriteVerbose($"Connecting to the MCP server at {Uri.GetLeftPart(UriPartial.Path)}.");
        return McpClients.ConnectHttp(Name, Uri, headers, TimeSpan.FromSeconds(ConnectTimeoutSec), TimeSpan.FromSeconds(TimeoutSec), _stop.Token);
    }

    // A program PowerShell can find (a path, or a name on PATH), checked before anything starts.
    private string ResolveProgram()
    {
        if (Command.Contains('/') || Command.Contains('\\'))
        {
            var path = GetUnresolvedProviderPathFromPSPath(Command);
            if (File.Exists(path)) return path;
        }
        else if (InvokeCommand.GetCommand(Command, CommandTypes.Application) is ApplicationInfo found)
        {
            return found.Path;
        }
        ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"The MCP server program '{Command}' was not found: give its path, or a name found on PATH."),
            "LlmMcpCommandNotFound", ErrorCategory.ObjectNotFound, Command));
        throw new InvalidOperationException(); // not reached
    }

    private static ErrorRecord NameInUse(string name) =>
        new(new InvalidOperationException($"An MCP server named '{name}' is connected already; give -Name another name, or Disconnect-LlmMcpServer -Name {name} first."),
            "LlmMcpServerNameInUse", ErrorCategory.ResourceExists, name);

    /// <summary>Ctrl+C: stops the attempt to connect.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
