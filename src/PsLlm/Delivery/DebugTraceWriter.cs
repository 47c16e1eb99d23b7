using System.Management.Automation;

namespace PsLlm.Delivery;

/// <summary>Writes one debug line per event ("LlmEnd stop 12 in / 30 out") when debug output is on.</summary>
internal sealed class DebugTraceWriter : CallbackHandler
{
    private readonly Cmdlet _cmdlet;

    public DebugTraceWriter(Cmdlet cmdlet) => _cmdlet = cmdlet;

    public override string Name => "Debug";

    private void Trace(LlmEvent e) => _cmdlet.WriteDebug($"[{e.RunId.ToString()[..8]}] {e}");

    public override void OnChainStart(ChainStartEvent e) => Trace(e);
    public override void OnChainEnd(ChainEndEvent e) => Trace(e);
    public override void OnChainError(ChainErrorEvent e) => Trace(e);
    public override void OnChatModelStart(ChatModelStartEvent e) => Trace(e);
    public override void OnLlmNewToken(LlmNewTokenEvent e) => Trace(e);
    public override void OnLlmEnd(LlmEndEvent e) => Trace(e);
    public override void OnLlmError(LlmErrorEvent e) => Trace(e);
    public override void OnText(TextEvent e) => Trace(e);
    public override void OnRetry(RetryEvent e) => Trace(e);
}
