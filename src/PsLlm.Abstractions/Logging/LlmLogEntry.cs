namespace PsLlm;

/// <summary>
/// One run read back from the SQLite log (Get-LlmLog): a chain, a model call or a tool run, with
/// what went in, what came out, timings, usage and any error. Runs link to their parent, so a
/// chat's chain, model calls and tool runs can be read back as a tree (Get-LlmLog -Run).
/// Never contains credentials: the key and header values are not recorded, only the endpoint's host.
/// The same record is what the log handler writes and what Get-LlmLog reads back.
/// </summary>
public sealed record LlmLogEntry
{
    /// <summary>The run's id, as its events carry it.</summary>
    public Guid RunId { get; init; }
    /// <summary>The run this one was nested in; null for a root run.</summary>
    public Guid? ParentRunId { get; init; }
    /// <summary>Chain, Llm or Tool.</summary>
    public string Kind { get; init; } = string.Empty;
    /// <summary>The chain's name, the model asked for, or the tool's name.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>Ok, Error, Cancelled (Ctrl+C) or Stopped (a consumer such as Select-Object -First stopped reading).</summary>
    public string Status { get; init; } = string.Empty;
    /// <summary>When the run started (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>When the run ended (UTC).</summary>
    public DateTimeOffset? EndTime { get; init; }
    /// <summary>How long the run took; null for a run that never ended (the process exited).</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Model runs that streamed: time from sending the request to the first token.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }
    /// <summary>The model asked for (model runs; for a chat's chain run, its first model call's).</summary>
    public string? Model { get; init; }
    /// <summary>The model that answered, as the server reported it.</summary>
    public string? ResponseModel { get; init; }
    /// <summary>The server's host (and port), never the URL's credentials or query.</summary>
    public string? EndpointHost { get; init; }
    /// <summary>The prompt: the last user message (model runs), the chain's input, or a tool's arguments.</summary>
    public string? Prompt { get; init; }
    /// <summary>Model runs: every message sent, in order.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = Array.Empty<ChatMessage>();
    /// <summary>The answer text, the chain's output or the tool's output (what arrived, for a failed run).</summary>
    public string? Response { get; init; }
    /// <summary>Model runs: stop, length, tool_calls, content_filter, ….</summary>
    public string? FinishReason { get; init; }
    /// <summary>Token counts; for a chat's chain run, the sum over its model calls. Null when none were reported.</summary>
    public TokenUsage? Usage { get; init; }
    /// <summary>The tools the model asked for: in that model run, or (a chat's chain run) in the whole chat.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = Array.Empty<ToolCall>();
    /// <summary>A chat's chain run: every tool call with what went back to the model.</summary>
    public IReadOnlyList<ToolCallResult> ToolResults { get; init; } = Array.Empty<ToolCallResult>();
    /// <summary>Tool runs: the id of the call this run answered.</summary>
    public string? ToolCallId { get; init; }
    /// <summary>Chain inputs or a model run's invocation parameters, as text.</summary>
    public IReadOnlyDictionary<string, string?> Inputs { get; init; } = new Dictionary<string, string?>();
    /// <summary>The run's tags, inherited from its parents.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Metadata values as text.</summary>
    public IReadOnlyDictionary<string, string?> Metadata { get; init; } = new Dictionary<string, string?>();
    /// <summary>The error message of a failed or stopped run.</summary>
    public string? Error { get; init; }
    /// <summary>The error's stable id (LlmRateLimited, …) or exception type.</summary>
    public string? ErrorId { get; init; }
    /// <summary>HTTP status of a failed model call, when the server answered.</summary>
    public int? StatusCode { get; init; }
    /// <summary>The server's response id (chatcmpl-…).</summary>
    public string? ResponseId { get; init; }
    /// <summary>Model runs: the estimated cost from the price table (Set-LlmPrice); null when the model has no price or no usage was reported.</summary>
    public decimal? Cost { get; init; }
    /// <summary>Depth in the run tree for Get-LlmLog -Run (0 = root); 0 otherwise.</summary>
    public int Depth { get; init; }

    /// <summary>Kind, name and status, e.g. "Llm gpt-4o-mini Ok".</summary>
    public override string ToString() => $"{Kind} {Name} {Status}";
}
