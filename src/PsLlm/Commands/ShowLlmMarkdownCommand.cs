using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.Rendering;

namespace PsLlm.Commands;

/// <summary>Shows an answer's Markdown rendered at the console: headings, emphasis, lists, code blocks and tables.</summary>
/// <remarks>
/// <para>
/// Show-LlmMarkdown draws the text of a response (or any Markdown text) with VT sequences: headings in colour,
/// bold, italic and struck-through text, inline code and fenced code blocks in a distinct colour with their language,
/// bullet and numbered lists, quotes, rules, links with their address, and tables with aligned columns. It writes to
/// the host, as Write-Host does, so Start-Transcript records it and 6>&amp;1 captures it; responses keep their plain
/// default view.
/// </para>
/// <para>
/// Where colours cannot be shown it writes the text unchanged: when output is redirected, with NO_COLOR set, with
/// $PSStyle.OutputRendering = 'PlainText', in a host without VT support, or with -Plain. Start-LlmChat renders its
/// answers the same way while they stream (unless -NoMarkdown).
/// </para>
/// </remarks>
/// <input type="PsLlm.ChatResponse">A response: its Text is shown.</input>
/// <input type="System.String">Markdown text.</input>
/// <output type="None">Nothing, unless -AsString.</output>
/// <output type="System.String">With -AsString, the rendered text (with VT sequences unless plain).</output>
/// <example title="an answer rendered">
/// <code><![CDATA[
/// Invoke-LlmChat 'Compare PowerShell arrays and lists in a table, with an example of each.' | Show-LlmMarkdown
/// ]]></code>
/// <para>The answer's table is drawn with aligned columns, its code blocks in colour.</para>
/// </example>
/// <example title="the rendered text for later">
/// <code><![CDATA[
/// $text = '# Notes', '', '- **one**', '- two' -join "`n"
/// $rendered = Show-LlmMarkdown $text -AsString
/// $rendered.Length
/// ]]></code>
/// <para>-AsString returns the rendered text instead of showing it, for a TUI or a file meant for a terminal.</para>
/// </example>
[Cmdlet(VerbsCommon.Show, "LlmMarkdown")]
[OutputType(typeof(string))]
public sealed class ShowLlmMarkdownCommand : PSCmdlet
{
    private bool _render;
    private int _width;

    /// <summary>The Markdown to show; a piped ChatResponse gives its Text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Text { get; set; } = string.Empty;

    /// <summary>The width of rules and tables, in columns.</summary>
    /// <value>The console window's width (80 where the host cannot say)</value>
    [Parameter]
    [ValidateRange(20, 400)]
    public int Width { get; set; }

    /// <summary>Write the text unchanged, without colours.</summary>
    [Parameter]
    public SwitchParameter Plain { get; set; }

    /// <summary>Return the rendered text as a string instead of showing it.</summary>
    [Parameter]
    public SwitchParameter AsString { get; set; }

    /// <summary>Decides once whether to render, and how wide.</summary>
    protected override void BeginProcessing()
    {
        _render = !Plain && (AsString || TerminalStyle.MarkdownWanted(this));
        _width = MyInvocation.BoundParameters.ContainsKey(nameof(Width)) ? Width : TerminalStyle.Width(this);
    }

    /// <summary>Shows each text piped in, one after the other.</summary>
    protected override void ProcessRecord()
    {
        var shown = _render ? MarkdownStream.Render(Text, _width) : Text.EndsWith('\n') ? Text : Text + "\n";
        if (AsString)
        {
            WriteObject(shown);
            return;
        }
        using (HostWriter.Through(this)) new HostWriter(Host.UI).Write(shown);
    }
}
