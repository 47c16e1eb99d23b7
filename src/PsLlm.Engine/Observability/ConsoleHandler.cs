using System.Globalization;

namespace PsLlm.Engine.Observability;

/// <summary>
/// LangChain's StreamingStdOutCallbackHandler for the PowerShell host: each token is written the
/// moment it arrives, and optionally a header when a chain or model run starts and ends, the tool
/// calls, and the usage of each answer. It writes synchronously on the chat's thread, because
/// tokens must appear live and in order and a console write is quick; it holds no queue.
/// </summary>
/// <remarks>
/// Only streamed chats have tokens; a chat without -Stream shows just the headers and usage.
/// Reasoning tokens are shown dimmed (dark grey), and the answer starts on a new line after them.
/// </remarks>
internal sealed class ConsoleHandler : CallbackHandler
{
    /// <summary>Tool output and arguments are clipped to this many characters so a large result stays readable.</summary>
    public const int MaxToolTextLength = 200;

    private readonly IConsoleSink _sink;
    private readonly object _gate = new();
    private bool _midLine;
    private bool _inReasoning;

    public ConsoleHandler(IConsoleSink sink)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        Name = "Console";
    }

    /// <summary>Write streamed tokens (default true).</summary>
    public bool ShowTokens { get; init; } = true;
    /// <summary>Write "> Entering chain …", "> Chat model …" and "> Finished chain …" lines, retries and errors.</summary>
    public bool ShowRunHeaders { get; init; }
    /// <summary>Write the token usage, finish reason and duration after each answer.</summary>
    public bool ShowUsage { get; init; }
    /// <summary>Write each tool call with its arguments, and its result or error.</summary>
    public bool ShowToolCalls { get; init; }
    /// <summary>Use colours for headers, tools and usage; tokens always have the host's default colour.</summary>
    public bool UseColor { get; init; } = true;

    public override void Handle(LlmEvent e)
    {
        lock (_gate) base.Handle(e);
    }

    public override void OnChainStart(ChainStartEvent e)
    {
        if (ShowRunHeaders) Line($"> Entering chain {e.Name}", ConsoleColor.Cyan);
    }

    public override void OnChainEnd(ChainEndEvent e)
    {
        if (ShowRunHeaders) Line($"> Finished chain {e.Name} in {Seconds(e.Duration)}", ConsoleColor.Cyan);
    }

    public override void OnChainError(ChainErrorEvent e)
    {
        if (ShowRunHeaders) Line($"> Chain {e.Name} failed: {e.Error.Message}", ConsoleColor.Red);
    }

    public override void OnChatModelStart(ChatModelStartEvent e)
    {
        if (ShowRunHeaders) Line($"> Chat model {e.Model} ({e.Messages.Count} message{(e.Messages.Count == 1 ? "" : "s")})", ConsoleColor.DarkCyan);
    }

    public override void OnLlmNewToken(LlmNewTokenEvent e)
    {
        if (!ShowTokens || e.Token.Length == 0) return;
        var reasoning = e.TokenKind == ChatTokenKind.Reasoning;
        // The answer starts on a line of its own after the reasoning.
        if (_inReasoning && !reasoning) EndLine();
        _inReasoning = reasoning;
        Write(e.Token, reasoning ? ConsoleColor.DarkGray : null);
        _midLine = !e.Token.EndsWith('\n');
    }

    public override void OnLlmEnd(LlmEndEvent e)
    {
        EndLine();
        if (!ShowUsage) return;
        var r = e.Response;
        var usage = r.Usage is { } u ? $"{u.InputTokens} in / {u.OutputTokens} out" : "no usage reported";
        var first = r.TimeToFirstToken is { } t ? $", first token {Seconds(t)}" : string.Empty;
        var reason = string.IsNullOrEmpty(r.FinishReason) ? string.Empty : $", {r.FinishReason}";
        Line($"[{r.Model}: {usage}{reason}, {Seconds(r.Duration)}{first}]", ConsoleColor.DarkGray);
    }

    public override void OnLlmError(LlmErrorEvent e)
    {
        EndLine();
        if (ShowRunHeaders) Line($"> Chat model failed: {e.Error.Message}", ConsoleColor.Red);
    }

    public override void OnRetry(RetryEvent e)
    {
        if (ShowRunHeaders) Line($"> Retry {e.Attempt} in {Seconds(e.Delay)}: {e.Reason}", ConsoleColor.DarkYellow);
    }

    public override void OnAgentAction(AgentActionEvent e)
    {
        if (ShowToolCalls) Line($"> Tool call {e.ToolName}({Clip(e.Arguments)})", ConsoleColor.Yellow);
    }

    public override void OnToolEnd(ToolEndEvent e)
    {
        if (ShowToolCalls) Line($"> Tool {e.ToolName} returned in {Seconds(e.Duration)}: {Clip(e.Output)}", ConsoleColor.DarkYellow);
    }

    public override void OnToolError(ToolErrorEvent e)
    {
        if (ShowToolCalls) Line($"> Tool {e.ToolName} failed: {Clip(e.Error.Message)}", ConsoleColor.Red);
    }

    public override void OnAgentFinish(AgentFinishEvent e)
    {
        if (ShowToolCalls) Line($"> Answer after {e.Rounds} rounds", ConsoleColor.Yellow);
    }

    /// <summary>A line of its own: ends a streamed answer first, so headers never run into tokens.</summary>
    private void Line(string text, ConsoleColor color)
    {
        EndLine();
        Write(text + "\n", color);
    }

    private void EndLine()
    {
        if (!_midLine) return;
        Write("\n", null);
        _midLine = false;
    }

    private void Write(string text, ConsoleColor? color) => _sink.Write(text, UseColor ? color : null);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Clip(string text)
    {
        var flat = text.Replace("\r", " ").Replace("\n", " ");
        return flat.Length <= MaxToolTextLength ? flat : flat[..(MaxToolTextLength - 1)] + "…";
    }
}
