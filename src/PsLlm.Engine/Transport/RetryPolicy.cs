using System.ClientModel.Primitives;
using System.Globalization;
using System.Net.Sockets;

namespace PsLlm.Engine.Transport;

/// <summary>
/// The SDK's retry policy (429, 408, 5xx and network failures, exponential back-off) with three
/// changes: a server's own wait (<c>retry-after-ms</c>, <c>Retry-After</c> in seconds or as an HTTP
/// date) is honoured; no wait is longer than <see cref="LlmClient.MaxRetryDelay"/> — a server that
/// asks for longer is not retried, so its 429 fails the chat at once with the time it asked for;
/// and each retry is reported (as a Retry event) with the wait actually taken and its real reason.
/// </summary>
internal sealed class RetryPolicy : ClientRetryPolicy
{
    private readonly TimeSpan _maxDelay;

    public RetryPolicy(int maxRetries, TimeSpan maxDelay) : base(maxRetries) => _maxDelay = maxDelay;

    protected override bool ShouldRetry(PipelineMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && Accept(message, exception);

    protected override async ValueTask<bool> ShouldRetryAsync(PipelineMessage message, Exception? exception) =>
        await base.ShouldRetryAsync(message, exception).ConfigureAwait(false) && Accept(message, exception);

    private bool Accept(PipelineMessage message, Exception? exception)
    {
        // After a network failure the response, if any, is an earlier try's (or one whose body
        // never finished): the failure is the reason, not its status.
        var response = exception is null ? message.Response : null;
        var asked = ServerWait(response);
        if (asked > _maxDelay) return false;
        message.SetProperty(typeof(Reason), new Reason(response?.Status, Describe(response, exception), asked));
        return true;
    }

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var reason = message.TryGetProperty(typeof(Reason), out var value) ? value as Reason : null;
        var delay = reason?.Asked ?? base.GetNextDelay(message, tryCount);
        if (delay > _maxDelay) delay = _maxDelay;
        RetryNotice.Current?.Invoke(new RetryNotice(tryCount, reason?.Status, delay, reason?.Text ?? "retry"));
        return delay;
    }

    /// <summary>How long the server asked to wait: retry-after-ms, else Retry-After (seconds or an HTTP date).</summary>
    public static TimeSpan? ServerWait(PipelineResponse? response)
    {
        if (response is null) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            return TimeSpan.FromMilliseconds(milliseconds);
        return response.Headers.TryGetValue("Retry-After", out var after) ? ParseRetryAfter(after) : null;
    }

    /// <summary>Retry-After's value: seconds, or an HTTP date (a wait of zero when it has passed).</summary>
    public static TimeSpan? ParseRetryAfter(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var wait = when - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static string Describe(PipelineResponse? response, Exception? exception)
    {
        if (exception is null) return response is null ? "no response" : $"HTTP {response.Status}";
        if (LlmErrorMapper.IsTimeout(exception)) return "timeout";
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is SocketException or HttpRequestException or IOException) return "connection failed: " + e.Message;
        return exception.GetType().Name;
    }

    private sealed record Reason(int? Status, string Text, TimeSpan? Asked);
}
