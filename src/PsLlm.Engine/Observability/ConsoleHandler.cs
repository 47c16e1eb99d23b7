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
        lock (_gate)
        {
            switch (e)
            {
                case LlmNewTokenEvent token:
                    WriteToken(token);
                    break;
                case LlmEndEvent end:
                    EndLine();
                    if (ShowUsage) Line(Usage(end.Response), ConsoleColor.DarkGray);
                    break;
                default:
                    // A model run that failed mid-answer ends its line even when no header follows.
                    if (e is LlmErrorEvent) EndLine();
                    if (Header(e) is { } header) Line(header.Text, header.Color);
                    break;
            }
        }
    }

    /// <summary>The line an event gets, when the options ask for it; null for none.</summary>
    private (string Text, ConsoleColor Color)? Header(LlmEvent e) => e switch
    {
        ChainStartEvent x when ShowRunHeaders => ($"> Entering chain {x.Name}", ConsoleColor.Cyan),
        ChainEndEvent x when ShowRunHeaders => ($"> Finished chain {x.Name} in {Seconds(x.Duration)}", ConsoleColor.Cyan),
        ChainErrorEvent x when ShowRunHeaders => ($"> Chain {x.Name} failed: {x.Error.Message}", ConsoleColor.Red),
        ChatModelStartEvent x when ShowRunHeaders => ($"> Chat model {x.Model} ({x.Messages.Count} message{(x.Messages.Count == 1 ? "" : "s")})", ConsoleColor.DarkCyan),
        LlmErrorEvent x when ShowRunHeaders => ($"> Chat model failed: {x.Error.Message}", ConsoleColor.Red),
        RetryEvent x when ShowRunHeaders => ($"> Retry {x.Attempt} in {Seconds(x.Delay)}: {x.Reason}", ConsoleColor.DarkYellow),
        AgentActionEvent x when ShowToolCalls => ($"> Tool call {x.ToolName}({Clip(x.Arguments)})", ConsoleColor.Yellow),
        ToolEndEvent x when ShowToolCalls => ($"> Tool {x.ToolName} returned in {Seconds(x.Duration)}: {Clip(x.Output)}", ConsoleColor.DarkYellow),
        ToolErrorEvent x when ShowToolCalls => ($"> Tool {x.ToolName} failed: {Clip(x.Error.Message)}", ConsoleColor.Red),
        AgentFinishEvent x when ShowToolCalls => ($"> Answer after {x.Rounds} rounds", ConsoleColor.Yellow),
        _ => null,
    };

    private void WriteToken(LlmNewTokenEvent e)
    {
        if (!ShowTokens || e.Token.Length == 0) return;
        var reasoning = e.TokenKind == ChatTokenKind.Reasoning;
        // The answer starts on a line of its own after the reasoning.
        if (_inReasoning && !reasoning) EndLine();
        _inReasoning = reasoning;
        Write(e.Token, reasoning ? ConsoleColor.DarkGray : null);
        _midLine = !e.Token.EndsWith('\n');
    }

    private static string Usage(ChatResponse r)
    {
        var usage = r.Usage is { } u ? $"{u.InputTokens} in / {u.OutputTokens} out" : "no usage reported";
        var first = r.TimeToFirstToken is { } t ? $", first token {Seconds(t)}" : string.Empty;
        var reason = string.IsNullOrEmpty(r.FinishReason) ? string.Empty : $", {r.FinishReason}";
        return $"[{r.Model}: {usage}{reason}, {Seconds(r.Duration)}{first}]";
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
