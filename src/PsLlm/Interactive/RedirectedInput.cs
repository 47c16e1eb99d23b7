using PsLlm.Delivery;

namespace PsLlm.Interactive;

/// <summary>
/// Lines from redirected standard input (a script piping questions in, a test). A terminal does
/// not echo them, so they are written back after the prompt: the output reads as a conversation.
/// Prompt and line go out as one write, which a transcript keeps as one line (nobody watches
/// the prompt wait: the line is already there).
/// </summary>
internal sealed class RedirectedInput(HostWriter writer) : ChatInput
{
    public override ChatLine? Read(string prompt)
    {
        var line = Console.In.ReadLine();
        writer.WriteLine(prompt + (line ?? string.Empty));
        return line is null ? null : new ChatLine(line);
    }
}
