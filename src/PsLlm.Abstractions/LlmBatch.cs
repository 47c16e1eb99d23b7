namespace PsLlm;

/// <summary>
/// A batch of chats sent through a server's Batch API (Start-LlmBatch): answered within a
/// completion window, at about half the price, instead of at once. Get-LlmBatch and Wait-LlmBatch
/// read its status and counts; Receive-LlmBatch takes its answers when it has completed.
/// </summary>
public sealed class LlmBatch
{
    /// <summary>The server's id for the batch (batch_…).</summary>
    public string Id { get; init; } = string.Empty;
    /// <summary>
    /// validating, in_progress, finalizing, completed (answers ready), failed, expired, cancelling or cancelled, as
    /// the server says it.
    /// </summary>
    public string Status { get; init; } = string.Empty;
    /// <summary>Requests in the batch.</summary>
    public int Total { get; init; }
    /// <summary>Requests answered so far.</summary>
    public int Completed { get; init; }
    /// <summary>Requests that failed so far.</summary>
    public int Failed { get; init; }
    /// <summary>The time the server has to answer (24h).</summary>
    public string CompletionWindow { get; init; } = string.Empty;
    /// <summary>When the batch was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When it completed (answers ready).</summary>
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>When the server gives up on it.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>The uploaded file of requests.</summary>
    public string? InputFileId { get; init; }
    /// <summary>The file of answers, once there is one.</summary>
    public string? OutputFileId { get; init; }
    /// <summary>The file of failed requests, once there is one.</summary>
    public string? ErrorFileId { get; init; }
    /// <summary>Why the whole batch failed (validation errors), as the server says.</summary>
    public IReadOnlyList<string> Errors { get; init; } = Array.Empty<string>();
    /// <summary>The metadata the batch was created with.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>The client whose server has the batch (Get-, Wait-, Receive- and Stop-LlmBatch use it when piped).</summary>
    public LlmClient? Client { get; init; }

    /// <summary>True once the batch will change no more: completed, failed, expired or cancelled.</summary>
    public bool IsFinished => Status is "completed" or "failed" or "expired" or "cancelled";

    /// <summary>The id, the status and the counts.</summary>
    public override string ToString() => $"{Id} {Status} ({Completed + Failed}/{Total})";
}
