using PsLlm.Rendering;

namespace PsLlm.Delivery;

/// <summary>
/// Shows a chat on the host as it happens (Start-LlmChat), instead of writing tokens to the
/// pipeline: the answer is for the person at the console, and the pipeline carries only the
/// session (-PassThru). A prefix ("AI: ") goes before the first token; with Markdown, the answer is
/// drawn as it streams (<see cref="MarkdownStream"/>). Tool calls show as a line each, with what came
/// back. Every line is ended when the model run ends or fails, so what follows starts on its own.
/// </summary>
internal sealed class HostTokenWriter : CallbackHandler
{
    private const int MaxToolText = 200;
    private readonly HostWriter _writer;
    private readonly string _prefix;
    private readonly Func<MarkdownStream?> _markdown;
    private MarkdownStream? _stream;
    private bool _midLine;
    private bool _started;

    /// <param name="writer">Where the text goes.</param>
    /// <param name="prefix">Written before the answer's first token.</param>
    /// <param name="markdown">A renderer for each model call's answer; null from it: plain text.</param>
    public HostTokenWriter(HostWriter writer, string prefix, Func<MarkdownStream?> markdown)
    {
        _writer = writer;
        _prefix = prefix;
        _markdown = markdown;
        Name = "Start-LlmChat host writer";
    }

    /// <summary>True once any of the answer was shown.</summary>
    public bool WroteAny { get; private set; }

    public override void OnLlmNewToken(LlmNewTokenEvent e)
    {
        // The person at the console reads the answer; the reasoning stays on the response.
        if (e.TokenKind == ChatTokenKind.Reasoning) return;
        if (!_started)
        {
            _started = true;
            _stream = _markdown();
            _writer.Write(_prefix);
            // A drawn answer starts on its own line, so its headings, lists and tables line up.
            if (_stream is not null) _writer.Write("\n");
        }
        WroteAny = true;
        Show(_stream is null ? e.Token : _stream.Write(e.Token));
    }

    public override void OnLlmEnd(LlmEndEvent e) => EndAnswer();

    public override void OnLlmError(LlmErrorEvent e) => EndAnswer();

    public override void OnAgentAction(AgentActionEvent e) => Line($"[tool] {e.ToolName}({Clip(e.Arguments)})");

    public override void OnToolEnd(ToolEndEvent e) => Line($"[tool] {e.ToolName} → {Clip(e.Output)}");

    public override void OnToolError(ToolErrorEvent e) => Line($"[tool] {e.ToolName} failed: {Clip(e.Error.Message)}");

    private void Show(string text)
    {
        if (text.Length == 0) return;
        _writer.Write(text);
        _midLine = !text.EndsWith('\n');
    }

    private void EndAnswer()
    {
        if (_stream is not null) Show(_stream.Complete());
        _stream = null;
        _started = false;
        EndLine();
    }

    private void Line(string text)
    {
        EndLine();
        _writer.WriteLine(text, ConsoleColor.DarkGray);
    }

    private void EndLine()
    {
        if (!_midLine) return;
        _writer.WriteLine();
        _midLine = false;
    }

    private static string Clip(string text)
    {
        var flat = text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        return flat.Length <= MaxToolText ? flat : flat[..(MaxToolText - 1)] + "…";
    }
}
