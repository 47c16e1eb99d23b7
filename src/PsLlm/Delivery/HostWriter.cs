using System.Management.Automation;
using System.Management.Automation.Host;

namespace PsLlm.Delivery;

/// <summary>
/// Writes text for the person at the console the way Write-Host does: an information record
/// tagged PSHOST, through the PsLlm command running on this thread. The host shows it live, and
/// <c>6&gt;&amp;1</c>, <c>-InformationVariable</c> and Start-Transcript get it too. When no PsLlm
/// command runs on the thread (a handler raised by other code), the text goes to the host UI.
/// </summary>
internal sealed class HostWriter
{
    private static readonly string[] HostTag = ["PSHOST"];

    // Handlers run on the pipeline thread of the command that raised their events; a command
    // nested in a tool or a chain takes over until it returns.
    [ThreadStatic]
    private static Cmdlet? t_command;

    private readonly PSHostUserInterface? _ui;

    /// <param name="ui">Where text goes when no PsLlm command is running on the thread; null: nowhere.</param>
    public HostWriter(PSHostUserInterface? ui) => _ui = ui;

    /// <summary>Host text on this thread goes through <paramref name="command"/> until the scope ends.</summary>
    public static IDisposable Through(Cmdlet command)
    {
        var previous = t_command;
        t_command = command;
        return new Scope(previous);
    }

    /// <summary>Writes <paramref name="text"/> as is (no line break added), in <paramref name="color"/> when given.</summary>
    public void Write(string text, ConsoleColor? color = null)
    {
        if (text.Length == 0) return;
        if (t_command is { } command)
        {
            // A stopping pipeline takes no more records; what was shown is all there is.
            if (command.Stopping) return;
            var message = new HostInformationMessage { Message = text, NoNewLine = true };
            if (color is { } foreground) message.ForegroundColor = foreground;
            command.WriteInformation(message, HostTag);
            return;
        }
        if (_ui is null) return;
        if (color is { } fallbackColor && _ui.RawUI is { } raw) _ui.Write(fallbackColor, raw.BackgroundColor, text);
        else _ui.Write(text);
    }

    /// <summary>Writes <paramref name="text"/> and ends the line.</summary>
    public void WriteLine(string text = "", ConsoleColor? color = null) => Write(text + "\n", color);

    private sealed class Scope(Cmdlet? previous) : IDisposable
    {
        public void Dispose() => t_command = previous;
    }
}
