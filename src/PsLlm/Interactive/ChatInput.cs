using System.Management.Automation;
using PsLlm.Delivery;

namespace PsLlm.Interactive;

/// <summary>
/// Where Start-LlmChat reads the lines typed at its prompt: PSReadLine's editor when pwsh's console
/// has it (arrows, history, editing), the host's plain reader otherwise, standard input when it is
/// redirected (a script, a test). Every kind shows the prompt, records the line in a running
/// transcript, and says when a line ended with Ctrl+C rather than Enter.
/// </summary>
internal abstract class ChatInput : IDisposable
{
    /// <summary>Shows <paramref name="prompt"/> and reads one line; null at the end of input.</summary>
    public abstract ChatLine? Read(string prompt);

    /// <summary>Gives back what reading changed (PSReadLine's options and keys).</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>The best reader this cmdlet's host offers.</summary>
    public static ChatInput For(PSCmdlet cmdlet, HostWriter writer)
    {
        if (Console.IsInputRedirected) return new RedirectedInput(writer);
        return PSReadLineInput.TryCreate(cmdlet) as ChatInput ?? new HostInput(cmdlet, writer);
    }
}

/// <summary>A line read: its text, and whether Ctrl+C ended it (the text is then what was typed before it).</summary>
internal sealed record ChatLine(string Text, bool Interrupted = false);
