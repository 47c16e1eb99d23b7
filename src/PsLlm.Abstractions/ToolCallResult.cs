namespace PsLlm;

/// <summary>What happened to one tool call during a chat: the call and what went back to the model.</summary>
public sealed class ToolCallResult
{
    public ToolCall Call { get; init; } = null!;
    public string Name => Call.Name;
    public string Arguments => Call.Arguments;
    /// <summary>The text sent back to the model (the result, or the error message).</summary>
    public string Output { get; init; } = string.Empty;
    /// <summary>False when the call was refused (unknown tool, invalid arguments) or the tool threw.</summary>
    public bool Succeeded { get; init; }
    /// <summary>False when approval was declined (-WhatIf or "No" at -Confirm).</summary>
    public bool Executed { get; init; }
    public TimeSpan Duration { get; init; }

    public override string ToString() => $"{Call} → {Output}";
}
