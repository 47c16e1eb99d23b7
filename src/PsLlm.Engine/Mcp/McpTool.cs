using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using PsLlm.Engine.Tools;

namespace PsLlm.Engine.Mcp;

/// <summary>
/// A tool of an MCP server, as the model sees it: the server's name (made valid for the model),
/// description and input schema. A call goes to the server, with the chat's cancellation and the
/// connection's timeout; its progress and the server's log messages are shown while it runs. A
/// tool the server does not mark read-only, or marks destructive, runs only when approved.
/// </summary>
internal sealed class McpTool : LlmTool
{
    private static readonly Regex NotAllowed = new("[^a-zA-Z0-9_-]", RegexOptions.CultureInvariant);

    private readonly McpSession _session;

    public McpTool(McpSession session, Tool tool)
        : base(ModelName(tool.Name), Describe(tool), tool.InputSchema.GetRawText(), strict: false, requireApproval: NeedsApproval(tool.Annotations))
    {
        _session = session;
        ServerToolName = tool.Name;
        ReadOnlyHint = tool.Annotations?.ReadOnlyHint;
        DestructiveHint = tool.Annotations?.DestructiveHint;
        Title = tool.Title ?? tool.Annotations?.Title;
    }

    /// <inheritdoc/>
    public override string? McpServer => _session.Connection.Name;

    /// <summary>The tool's name at the server (the model's name may have had characters replaced).</summary>
    public string ServerToolName { get; }
    /// <summary>The server's readOnlyHint; null when it gave none.</summary>
    public bool? ReadOnlyHint { get; }
    /// <summary>The server's destructiveHint; null when it gave none.</summary>
    public bool? DestructiveHint { get; }
    /// <summary>The server's title for the tool.</summary>
    public string? Title { get; }
    /// <summary>Send the images the tool returns to the model after its result (Get-LlmMcpTool -AttachImages), for models that take images.</summary>
    public bool AttachImages { get; init; }

    // MCP's defaults: a tool is not read-only and is destructive unless the server says otherwise.
    private static bool NeedsApproval(ToolAnnotations? hints) => hints?.ReadOnlyHint != true || hints.DestructiveHint == true;

    private static string ModelName(string name)
    {
        var valid = NotAllowed.Replace(name, "_");
        return valid.Length == 0 ? "_" : valid.Length > ToolNameRules.MaxLength ? valid[..ToolNameRules.MaxLength] : valid;
    }

    private static string Describe(Tool tool) => tool.Description ?? tool.Title ?? tool.Name;

    /// <inheritdoc/>
    public override string Invoke(IReadOnlyDictionary<string, object?> arguments) => Invoke(arguments, LlmToolContext.None);

    /// <inheritdoc/>
    public override string Invoke(IReadOnlyDictionary<string, object?> arguments, LlmToolContext context)
    {
        var connection = _session.Connection;
        if (connection.State != McpConnectionState.Connected)
            throw new InvalidOperationException($"MCP server '{connection.Name}' is {connection.State.ToString().ToLowerInvariant()}{(connection.Reason is { } why ? $" ({why})" : string.Empty)}; its tool {Name} cannot run.");

        var notices = new BlockingCollection<Action>();
        var activity = $"MCP {connection.Name}: {ServerToolName}";
        var progress = new Progress(value => notices.Add(() =>
        {
            var percent = value.Total is > 0 and var total ? (int)Math.Clamp(value.Progress * 100 / total, 0, 99) : -1;
            context.WriteProgress(activity, value.Message ?? $"{value.Progress}{(value.Total is { } t ? $" of {t}" : string.Empty)}", percent);
        }));
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        call.CancelAfter(connection.CallTimeout);
        var pending = _session.Client.CallToolAsync(ServerToolName, arguments, progress, cancellationToken: call.Token).AsTask();

        // The command's streams belong to this thread: progress and log lines are written here while the call runs.
        while (!pending.IsCompleted)
        {
            if (notices.TryTake(out var first, 50)) first();
            Show(notices, context);
        }
        Show(notices, context);
        context.WriteProgress(activity, "done", 100);

        CallToolResult result;
        try
        {
            result = pending.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw; // Ctrl+C: the SDK told the server (notifications/cancelled); the chat stops
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"MCP server '{connection.Name}' did not answer {ServerToolName} within {connection.CallTimeout.TotalSeconds:0.###} s; the call was cancelled.");
        }
        catch (McpException error)
        {
            throw new InvalidOperationException($"MCP server '{connection.Name}' failed {ServerToolName}: {error.Message}", error);
        }
        catch (Exception error) when (connection.State != McpConnectionState.Connected || error is IOException or ObjectDisposedException)
        {
            throw new InvalidOperationException($"MCP server '{connection.Name}' went away during {ServerToolName}: {error.GetBaseException().Message}", error);
        }
        var text = McpResultText.Of(result, AttachImages);
        if (result.IsError == true) throw new McpToolErrorException(text);
        if (AttachImages)
        {
            var n = 0;
            foreach (var image in result.Content?.OfType<ImageContentBlock>() ?? [])
                context.AttachImage($"{ServerToolName} image {++n}", image.MimeType, image.DecodedData.ToArray());
        }
        return text;

        void Show(BlockingCollection<Action> queue, LlmToolContext target)
        {
            while (queue.TryTake(out var write)) write();
            foreach (var line in _session.TakeNotices()) target.WriteVerbose(line);
        }
    }

    // Progress<T> posts to the thread pool; this one hands each value straight to the queue.
    private sealed class Progress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}

/// <summary>The server answered with isError: its text goes back to the model as the tool's error.</summary>
internal sealed class McpToolErrorException(string message) : Exception(message);
