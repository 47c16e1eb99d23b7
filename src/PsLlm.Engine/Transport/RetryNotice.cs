namespace PsLlm.Engine.Transport;

/// <summary>A retry the SDK is about to make, reported to the run that issued the request.</summary>
internal sealed record RetryNotice(int Attempt, int? StatusCode, TimeSpan Delay, string Reason)
{
    private static readonly AsyncLocal<Action<RetryNotice>?> Listener = new();

    /// <summary>
    /// Where retries of requests started on this async flow are reported. The retry policy is
    /// shared by every request of a client, so the listener travels with the request's flow.
    /// </summary>
    public static Action<RetryNotice>? Current
    {
        get => Listener.Value;
        set => Listener.Value = value;
    }
}
