using System.Management.Automation;
using System.Management.Automation.Host;
using PsLlm.Engine;

namespace PsLlm.Delivery;

/// <summary>
/// Writes the console handler's text for the person at the console as Write-Host does (see
/// <see cref="HostWriter"/>): live on screen, never in the pipeline, and captured by
/// <c>6&gt;&amp;1</c>, -InformationVariable and Start-Transcript.
/// </summary>
internal sealed class HostConsoleSink(PSHostUserInterface ui) : IConsoleSink
{
    private readonly HostWriter _writer = new(ui);

    public void Write(string text, ConsoleColor? color = null) => _writer.Write(text, color);
}
