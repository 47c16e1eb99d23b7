using System.Management.Automation;
using PsLlm.Delivery;

namespace PsLlm.Interactive;

/// <summary>
/// The host's own line reader (Host.UI.ReadLine): any host without PSReadLine (a hosted runspace,
/// a remote session). The typed line goes into a running transcript with its prompt. Ctrl+C there
/// is the host's: it stops the command.
/// </summary>
internal sealed class HostInput(PSCmdlet cmdlet, HostWriter writer) : ChatInput
{
    public override ChatLine? Read(string prompt)
    {
        writer.Write(prompt);
        var line = cmdlet.Host.UI.ReadLine();
        return line is null ? null : new ChatLine(line);
    }
}
