namespace PsLlm.Engine.Observability.Logging;

/// <summary>What kind of run a log row describes.</summary>
public enum RunKind { Chain, Llm, Tool }

/// <summary>How a run ended.</summary>
public enum RunStatus { Ok, Error, Cancelled, Stopped }

/// <summary>
/// One finished run, as the log handler hands it to the writer. Built on the chat's thread from
/// the run's events: everything in it is text or an immutable object (messages, usage, tool
/// results), so the background writer can serialize it without touching PowerShell objects.
/// </summary>
public sealed record RunRecord
{
    public Guid RunId { get; init; }
    public Guid? ParentRunId { get; init; }
    public RunKind Kind { get; init; }
    public string Name { get; init; } = string.Empty;
    public RunStatus Status { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public TimeSpan? Duration { get; init; }
    public TimeSpan? TimeToFirstToken { get; init; }
    public string? Model { get; init; }
    public string? ResponseModel { get; init; }
    public string? EndpointHost { get; init; }
    public string? Prompt { get; init; }
    public IReadOnlyList<ChatMessage> Messages { get; init; } = Array.Empty<ChatMessage>();
    public string? Response { get; init; }
    public string? FinishReason { get; init; }
    public TokenUsage? Usage { get; init; }
    /// <summary>Calls the model asked for (model runs), without results.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = Array.Empty<ToolCall>();
    /// <summary>Calls with their results (a chat's chain run).</summary>
    public IReadOnlyList<ToolCallResult> ToolResults { get; init; } = Array.Empty<ToolCallResult>();
    public string? ToolCallId { get; init; }
    public IReadOnlyDictionary<string, string?> Inputs { get; init; } = new Dictionary<string, string?>();
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, string?> Metadata { get; init; } = new Dictionary<string, string?>();
    public string? Error { get; init; }
    public string? ErrorId { get; init; }
    public int? StatusCode { get; init; }
    public string? ResponseId { get; init; }
}
