using System.Management.Automation;
using System.Management.Automation.Host;
using PsLlm.Engine;

namespace PsLlm.Delivery;

/// <summary>
/// Writes the console handler's text to the PowerShell host (Host.UI), like Write-Host does, so it
/// shows live in the console, in the ISE/VS Code terminals and in remote sessions, and never
/// enters the pipeline. Colours are used only where they can be shown.
/// </summary>
internal sealed class HostConsoleSink : IConsoleSink
{
    private readonly PSHostUserInterface _ui;
    private bool _colorFailed;

    public HostConsoleSink(PSHostUserInterface ui) => _ui = ui;

    public void Write(string text, ConsoleColor? color = null)
    {
        if (color is { } foreground && !_colorFailed)
        {
            try
            {
                // A host without a raw UI (a job's, a custom host's) cannot colour: plain text from now on.
                if (_ui.RawUI is { } raw)
                {
                    _ui.Write(foreground, raw.BackgroundColor, text);
                    return;
                }
                _colorFailed = true;
            }
            catch (Exception e) when (e is NotImplementedException or NotSupportedException or HostException or ArgumentException)
            {
                _colorFailed = true;
            }
        }
        _ui.Write(text);
    }

    /// <summary>
    /// False when colours would end up as escape codes in a file or pipe (output redirected), or the
    /// user asked for none: NO_COLOR (no-color.org) or $PSStyle.OutputRendering = 'PlainText'.
    /// </summary>
    public static bool ColorWanted(PSCmdlet cmdlet)
    {
        if (Console.IsOutputRedirected) return false;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))) return false;
        var style = cmdlet.SessionState.PSVariable.GetValue("PSStyle");
        var rendering = style is null ? null : PSObject.AsPSObject(style).Properties["OutputRendering"]?.Value?.ToString();
        return !string.Equals(rendering, "PlainText", StringComparison.OrdinalIgnoreCase);
    }
}
