using System.ClientModel.Primitives;

namespace PsLlm.Engine.Transport;

/// <summary>
/// The SDK's retry policy (exponential back-off, honours Retry-After) with each retry reported
/// as a <see cref="RetryNotice"/>, which the run raises as a Retry event.
/// </summary>
internal sealed class RetryReportingPolicy : ClientRetryPolicy
{
    public RetryReportingPolicy(int maxRetries) : base(maxRetries) { }

    // The SDK asks for the delay only when it has decided to retry.
    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var delay = base.GetNextDelay(message, tryCount);
        var status = message.Response?.Status;
        var reason = status is { } s ? $"HTTP {s}" : "no response";
        RetryNotice.Current?.Invoke(new RetryNotice(tryCount, status, delay, reason));
        return delay;
    }
}
