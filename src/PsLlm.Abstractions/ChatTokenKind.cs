namespace PsLlm;

/// <summary>What a streamed piece belongs to.</summary>
public enum ChatTokenKind
{
    /// <summary>The answer.</summary>
    Text,
    /// <summary>The model's reasoning (reasoning_content, reasoning, thinking parts).</summary>
    Reasoning,
}
