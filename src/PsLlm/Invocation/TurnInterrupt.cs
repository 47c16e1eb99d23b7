using PsLlm.Engine;

namespace PsLlm.Invocation;

/// <summary>
/// Stops one turn of a chat without stopping the command (Start-LlmChat: Ctrl+C while an answer
/// streams). The run polls it between events and while it waits; a stopped turn ends with what
/// arrived, marked partial, and the command goes on.
/// </summary>
internal abstract class TurnInterrupt : IDisposable
{
    private readonly CancellationTokenSource _turn = new();

    /// <summary>Cancelled when the turn is to stop.</summary>
    public CancellationToken Token => _turn.Token;

    /// <summary>True once the turn was told to stop.</summary>
    public bool Requested => _turn.IsCancellationRequested;

    /// <summary>Stops the turn.</summary>
    public void Request() => _turn.Cancel();

    /// <summary>Looks for the signal to stop (a key, …); called on the run's thread, often.</summary>
    public abstract void Poll();

    /// <summary>Releases what watching took (the console's Ctrl+C handling).</summary>
    public virtual void Dispose() => _turn.Dispose();

    /// <summary>Polls the interrupt as well as running the run's pump.</summary>
    internal sealed class PollingPump(IRunPump inner, TurnInterrupt interrupt) : IRunPump
    {
        public void Pump()
        {
            interrupt.Poll();
            inner.Pump();
        }
    }
}
