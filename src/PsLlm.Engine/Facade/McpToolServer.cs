using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using PsLlm.Engine.Tools;

namespace PsLlm.Engine;

/// <summary>
/// Serves <see cref="LlmTool"/>s to an MCP client over a pair of streams (Start-LlmMcpServer:
/// standard input and output). Calls arrive on the SDK's threads and run on the thread that called
/// <see cref="Serve"/>, one at a time, since PowerShell tools run in the caller's runspace. The
/// arguments are checked against the tool's schema first; a failure is an isError result.
/// </summary>
public static class McpToolServer
{
    /// <summary>Serves until the client disconnects (the input ends) or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="tools">The tools to serve.</param>
    /// <param name="name">The server's name, for the client.</param>
    /// <param name="input">Where the client's messages arrive.</param>
    /// <param name="output">Where the answers go.</param>
    /// <param name="onCall">Told of each call (tool name and arguments JSON) before it runs; null: nobody.</param>
    /// <param name="cancellationToken">Ends serving (Ctrl+C).</param>
    public static void Serve(IReadOnlyList<LlmTool> tools, string name, Stream input, Stream output, Action<string, string>? onCall, CancellationToken cancellationToken)
    {
        var calls = new BlockingCollection<PendingCall>();
        var version = typeof(McpToolServer).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = name, Version = version },
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools.Select(Describe).ToList() }),
                CallToolHandler = async (request, token) =>
                {
                    var call = new PendingCall(request.Params?.Name ?? string.Empty, ArgumentsJson(request.Params?.Arguments), token);
                    calls.Add(call, token);
                    return await call.Result.Task.WaitAsync(token).ConfigureAwait(false);
                },
            },
        };
        var transport = new StreamServerTransport(input, output, name);
        var server = McpServer.Create(transport, options);
        var running = server.RunAsync(cancellationToken);
        try
        {
            while (!running.IsCompleted)
            {
                if (!calls.TryTake(out var call, 50, CancellationToken.None)) continue; // serving ends when RunAsync does
                onCall?.Invoke(call.Name, call.Arguments);
                call.Result.TrySetResult(Run(tools, call, cancellationToken));
            }
        }
        finally
        {
            foreach (var left in calls) left.Result.TrySetResult(Error("The server is shutting down."));
            try { running.Wait(TimeSpan.FromSeconds(5), CancellationToken.None); } catch (AggregateException) { }
            server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5), CancellationToken.None);
        }
    }

    private static CallToolResult Run(IReadOnlyList<LlmTool> tools, PendingCall call, CancellationToken serving)
    {
        var tool = tools.FirstOrDefault(t => string.Equals(t.Name, call.Name, StringComparison.Ordinal));
        if (tool is null) return Error(ToolCallExecutor.NoSuchTool(call.Name, tools).Message);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(serving, call.Cancellation);
        try
        {
            var arguments = ToolCallExecutor.CheckedArguments(tool, call.Arguments);
            var text = ToolOutputLimit.Apply(tool.Invoke(arguments, new LlmToolContext(both.Token)));
            return new CallToolResult { Content = [new TextContentBlock { Text = text }] };
        }
        catch (Exception error)
        {
            return Error(ToolCallExecutor.Cause(error).Message);
        }
    }

    // PsLlm's rule in MCP's words: a tool that needs approval may change things (the client asks its
    // user); one that does not runs unasked in chats, so the client may run it unasked too.
    private static Tool Describe(LlmTool tool) => new()
    {
        Name = tool.Name,
        Description = tool.Description,
        InputSchema = JsonDocument.Parse(tool.ParametersSchema).RootElement.Clone(),
        Annotations = new ToolAnnotations
        {
            ReadOnlyHint = !tool.RequireApproval,
            DestructiveHint = tool.RequireApproval,
        },
    };

    private static string ArgumentsJson(IDictionary<string, JsonElement>? arguments) =>
        arguments is null ? "{}" : JsonSerializer.Serialize(arguments);

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private sealed record PendingCall(string Name, string Arguments, CancellationToken Cancellation)
    {
        public TaskCompletionSource<CallToolResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
