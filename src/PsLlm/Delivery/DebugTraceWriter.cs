using System.Management.Automation;

namespace PsLlm.Delivery;

/// <summary>Writes one debug line per event ("LlmEnd stop 12 in / 30 out") when debug output is on.</summary>
internal sealed class DebugTraceWriter : CallbackHandler
{
    private readonly Cmdlet _cmdlet;

    public DebugTraceWriter(Cmdlet cmdlet)
    {
        _cmdlet = cmdlet;
        Name = "Debug";
    }

    public override void Handle(LlmEvent e) => _cmdlet.WriteDebug($"[{e.RunId.ToString()[..8]}] {e}");

}
