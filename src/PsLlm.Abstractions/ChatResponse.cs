namespace PsLlm;

/// <summary>The complete answer of one chat run, streamed or not. Its string form is the text.</summary>
public sealed class ChatResponse
{
    /// <summary>The answer's text.</summary>
    public string Text { get; init; } = string.Empty;
    /// <summary>
    /// The model's reasoning (reasoning_content, reasoning or thinking parts), when the server
    /// sends it; null when none. Never part of <see cref="Text"/> nor of session history.
    /// </summary>
    public string? Reasoning { get; init; }
    /// <summary>The model that answered, as reported by the server.</summary>
    public string Model { get; init; } = string.Empty;
    /// <summary>stop, length, content_filter, tool_calls, … ; empty when the stream ended without one.</summary>
    public string FinishReason { get; init; } = string.Empty;
    /// <summary>Token counts; null when the server reported none.</summary>
    public TokenUsage? Usage { get; init; }
    /// <summary>The LLM run that produced this response (ParentRunId of its events is the chain run).</summary>
    public Guid RunId { get; init; }
    /// <summary>The chain run of the Invoke-LlmChat call.</summary>
    public Guid ChainRunId { get; init; }
    /// <summary>How long the model call took, from sending the request to the last byte.</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>Time from sending the request to the first token; null when not streamed.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }
    /// <summary>The server's response id (chatcmpl-…).</summary>
    public string ResponseId { get; init; } = string.Empty;
    /// <summary>The model's refusal message, when it refused instead of answering.</summary>
    public string? Refusal { get; init; }
    /// <summary>The messages that were sent for this response.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = Array.Empty<ChatMessage>();
    /// <summary>True when the run failed or was stopped before the server finished (a partial answer).</summary>
    public bool IsPartial { get; init; }
    /// <summary>The tools called while answering, in order.</summary>
    public IReadOnlyList<ToolCallResult> ToolCalls { get; init; } = Array.Empty<ToolCallResult>();
    /// <summary>The messages this chat added to the conversation: prompt, tool calls and results, answer.</summary>
    public IReadOnlyList<ChatMessage> Transcript { get; init; } = Array.Empty<ChatMessage>();
    /// <summary>The session the chat belongs to, so piping the response back into Invoke-LlmChat continues it.</summary>
    public ChatSession? Session { get; init; }
    /// <summary>How many model calls the chat took (more than one when tools were used).</summary>
    public int Rounds { get; init; } = 1;
    /// <summary>The answer parsed from JSON (-JsonSchema, -ResponseFormat Json), as PowerShell objects.</summary>
    public object? Object { get; internal set; }

    /// <summary>The prompt this answers, as given (set by Invoke-LlmChat).</summary>
    public string? Prompt { get; internal set; }
    /// <summary>
    /// The object piped to Invoke-LlmChat for this chat (a string, a CSV row, a file), so that results of chats run
    /// at once can be matched to their inputs; null when nothing was piped.
    /// </summary>
    public object? InputObject { get; internal set; }
    /// <summary>The id of the batch item this answers (Receive-LlmBatch); null for a chat.</summary>
    public string? CustomId { get; internal set; }

    /// <summary>The answer's <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}
