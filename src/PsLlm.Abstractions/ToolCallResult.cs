namespace PsLlm;

/// <summary>What happened to one tool call during a chat: the call and what went back to the model.</summary>
public sealed class ToolCallResult
{
    /// <summary>The call the model made.</summary>
    public ToolCall Call { get; init; } = null!;
    /// <summary>The tool asked for.</summary>
    public string Name => Call.Name;
    /// <summary>The arguments as the model wrote them (JSON text).</summary>
    public string Arguments => Call.Arguments;
    /// <summary>The text sent back to the model (the result, or the error message).</summary>
    public string Output { get; init; } = string.Empty;
    /// <summary>False when the call was refused (unknown tool, invalid arguments) or the tool threw.</summary>
    public bool Succeeded { get; init; }
    /// <summary>False when approval was declined (-WhatIf or "No" at -Confirm).</summary>
    public bool Executed { get; init; }
    /// <summary>How long the tool ran.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The call and what went back to the model.</summary>
    public override string ToString() => $"{Call} → {Output}";
}
