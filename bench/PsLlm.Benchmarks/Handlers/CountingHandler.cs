namespace PsLlm.Benchmarks.Handlers;

/// <summary>
/// The cheapest useful C# handler: counts tokens and their characters, so the figures measure the
/// engine's dispatch to a handler rather than what a handler does with the event.
/// </summary>
public sealed class CountingHandler : CallbackHandler
{
    public int Tokens { get; private set; }
    public long Characters { get; private set; }

    public void Reset()
    {
        Tokens = 0;
        Characters = 0;
    }

    public override void OnLlmNewToken(LlmNewTokenEvent e)
    {
        Tokens++;
        Characters += e.Token.Length;
    }
}
