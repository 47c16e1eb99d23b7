namespace PsLlm;

/// <summary>
/// A streamed piece of an answer, written by Invoke-LlmChat -Stream as it arrives. Its string
/// form is the text, so <c>Invoke-LlmChat -Stream 'hi' | Write-Host -NoNewline</c> prints live.
/// </summary>
public sealed class ChatToken
{
    /// <summary>The piece of text.</summary>
    public string Text { get; init; } = string.Empty;
    /// <summary>Text (part of the answer) or Reasoning (the model's thinking, shown only when asked for).</summary>
    public ChatTokenKind Kind { get; init; }
    /// <summary>Zero-based position in the answer (or in the reasoning, for a reasoning token).</summary>
    public int Index { get; init; }
    /// <summary>The LLM run the token belongs to.</summary>
    public Guid RunId { get; init; }
    /// <summary>Time since the request was sent.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The <see cref="Text"/>, so tokens print as the answer.</summary>
    public override string ToString() => Text;
}
