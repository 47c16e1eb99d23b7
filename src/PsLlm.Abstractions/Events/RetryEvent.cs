namespace PsLlm;

/// <summary>A request failed with a retriable error and will be sent again.</summary>
public sealed class RetryEvent : LlmEvent
{
    public override LlmEventName Kind => LlmEventName.Retry;
    /// <summary>The retry about to happen: 1 for the first retry.</summary>
    public int Attempt { get; init; }
    /// <summary>HTTP status of the failed try, or null when no response arrived.</summary>
    public int? StatusCode { get; init; }
    /// <summary>How long the client waits before retrying (honours Retry-After).</summary>
    public TimeSpan Delay { get; init; }
    public string Reason { get; init; } = string.Empty;
    public override void DispatchTo(CallbackHandler handler) => handler.OnRetry(this);
    public override string Summary => $"attempt {Attempt} after {Delay.TotalMilliseconds:0} ms ({Reason})";
}
