using System.Management.Automation;

namespace PsLlm.Rendering;

/// <summary>Whether what PsLlm shows at the console may carry colours and VT sequences.</summary>
internal static class TerminalStyle
{
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

    /// <summary>Rendered Markdown (VT sequences) can be shown: colours are wanted and the host understands VT.</summary>
    public static bool MarkdownWanted(PSCmdlet cmdlet) => ColorWanted(cmdlet) && cmdlet.Host.UI.SupportsVirtualTerminal;

    /// <summary>The width of the host's window, for rules and tables; 80 where the host cannot say.</summary>
    public static int Width(PSCmdlet cmdlet)
    {
        try
        {
            return cmdlet.Host.UI.RawUI?.WindowSize.Width is > 0 and var width ? width : 80;
        }
        catch (Exception e) when (e is NotImplementedException or NotSupportedException or System.Management.Automation.Host.HostException or IOException)
        {
            return 80;
        }
    }
}
