namespace PsLlm;

/// <summary>
/// One answer a fake client gives (New-LlmFakeClient -Response): text (streamed as the given
/// tokens, or word by word), tool calls, usage, finish reason and a delay per token; or an error
/// the server would send (a status and a message).
/// </summary>
public sealed class LlmFakeAnswer
{
    /// <summary>The answer's text; when empty and <see cref="Tokens"/> are given, their concatenation.</summary>
    public string Text { get; init; } = string.Empty;
    /// <summary>The pieces a streamed answer comes in; null: the text split after each word.</summary>
    public IReadOnlyList<string>? Tokens { get; init; }
    /// <summary>Reasoning the model shows before its answer (streamed first, as reasoning tokens).</summary>
    public string? Reasoning { get; init; }
    /// <summary>Tool calls the model asks for (the agent loop runs them and asks again).</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = Array.Empty<ToolCall>();
    /// <summary>The usage reported; null: estimated from the request's and answer's sizes.</summary>
    public TokenUsage? Usage { get; init; }
    /// <summary>The finish reason; null: tool_calls when there are tool calls, else stop.</summary>
    public string? FinishReason { get; init; }
    /// <summary>How long each streamed token takes (and the whole answer when not streamed).</summary>
    public TimeSpan TokenDelay { get; init; }
    /// <summary>The model name reported; null: the one asked for.</summary>
    public string? Model { get; init; }
    /// <summary>An HTTP error status to answer with instead (429, 500, 401...); null: a successful answer.</summary>
    public int? ErrorStatus { get; init; }
    /// <summary>The error's message, as the server's error body carries it.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The text, or the error.</summary>
    public override string ToString() => ErrorStatus is { } status ? $"HTTP {status}: {ErrorMessage}" : Text;
}
