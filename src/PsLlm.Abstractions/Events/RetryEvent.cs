namespace PsLlm;

/// <summary>A request failed with a retriable error and will be sent again.</summary>
public sealed class RetryEvent : LlmEvent
{
    /// <inheritdoc/>
    public override LlmEventName Kind => LlmEventName.Retry;
    /// <summary>The retry about to happen: 1 for the first retry.</summary>
    public int Attempt { get; init; }
    /// <summary>HTTP status of the failed try, or null when no response arrived.</summary>
    public int? StatusCode { get; init; }
    /// <summary>How long the client waits before retrying (honours Retry-After).</summary>
    public TimeSpan Delay { get; init; }
    /// <summary>Why the try failed, e.g. "HTTP 429" or the connection error's message.</summary>
    public string Reason { get; init; } = string.Empty;
    /// <inheritdoc/>
    public override void DispatchTo(CallbackHandler handler) => handler.OnRetry(this);
    /// <inheritdoc/>
    public override string Summary => $"attempt {Attempt} after {Delay.TotalMilliseconds:0} ms ({Reason})";
}
