using System.Management.Automation.Host;

namespace PsLlm.Delivery;

/// <summary>
/// Shows a streamed answer on the host as it arrives (Start-LlmChat), instead of writing tokens to
/// the pipeline: the answer is for the person at the console, and the pipeline carries only the
/// session (-PassThru). A prefix ("AI: ") goes before the first token, and the line is ended when
/// the model run ends or fails, so what comes next starts on a line of its own.
/// </summary>
internal sealed class HostTokenWriter : CallbackHandler
{
    private readonly PSHostUserInterface _ui;
    private readonly string _prefix;
    private bool _midLine;

    public HostTokenWriter(PSHostUserInterface ui, string prefix = "")
    {
        _ui = ui;
        _prefix = prefix;
        Name = "Start-LlmChat host writer";
    }

    /// <summary>True once any token was shown.</summary>
    public bool WroteAny { get; private set; }

    public override void OnLlmNewToken(LlmNewTokenEvent e)
    {
        // The person at the console reads the answer; the reasoning stays on the response.
        if (e.TokenKind == ChatTokenKind.Reasoning) return;
        if (!WroteAny) _ui.Write(_prefix);
        WroteAny = true;
        _ui.Write(e.Token);
        _midLine = true;
    }

    public override void OnLlmEnd(LlmEndEvent e) => EndLine();

    public override void OnLlmError(LlmErrorEvent e) => EndLine();

    private void EndLine()
    {
        if (!_midLine) return;
        _ui.WriteLine();
        _midLine = false;
    }
}
