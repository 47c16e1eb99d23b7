using PsLlm.Invocation;

namespace PsLlm.Interactive;

/// <summary>
/// Ctrl+C while an answer streams, caught as a key so that only the answer stops, not
/// Start-LlmChat: while the turn runs the console gives Ctrl+C to the program as input instead of
/// as a signal (which pwsh would turn into stopping the command), and each poll reads the keys
/// typed. Other keys typed meanwhile are dropped. Put back as it was when the turn ends, whatever
/// happened: a console left that way would ignore Ctrl+C at the PowerShell prompt.
/// </summary>
internal sealed class ConsoleInterrupt : TurnInterrupt
{
    private readonly bool _saved;
    private readonly bool _watching;

    public ConsoleInterrupt()
    {
        if (Console.IsInputRedirected) return;
        try
        {
            _saved = Console.TreatControlCAsInput;
            Console.TreatControlCAsInput = true;
            _watching = true;
        }
        catch (IOException)
        {
            // No console to ask: Ctrl+C stays PowerShell's and stops the chat as a whole.
        }
    }

    public override void Poll()
    {
        if (!_watching || Requested) return;
        try
        {
            while (Console.KeyAvailable)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control)) Request();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The console went away; the turn ends on its own.
        }
    }

    public override void Dispose()
    {
        if (_watching)
        {
            try { Console.TreatControlCAsInput = _saved; }
            catch (IOException) { }
        }
        base.Dispose();
    }
}
