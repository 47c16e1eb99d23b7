namespace PsLlm.Engine.Observability;

/// <summary>How many of a handler's losses were told already.</summary>
internal sealed class LossTally
{
    private long _reported;

    public long TakeUnreported(long lostSoFar) => lostSoFar - Interlocked.Exchange(ref _reported, lostSoFar);
}
