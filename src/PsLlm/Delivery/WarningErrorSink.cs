using System.Management.Automation;
using PsLlm.Engine.Callbacks;

namespace PsLlm.Delivery;

/// <summary>Reports a failing handler (one without RaiseError) as a warning; the chat goes on.</summary>
internal sealed class WarningErrorSink : ICallbackErrorSink
{
    private readonly Cmdlet _cmdlet;

    public WarningErrorSink(Cmdlet cmdlet) => _cmdlet = cmdlet;

    public void Report(string handlerName, LlmEvent e, Exception failure)
    {
        // While the pipeline stops, handlers fail with PipelineStoppedException and no warning can be written.
        if (_cmdlet.Stopping || failure is PipelineStoppedException) return;
        var message = failure is RuntimeException { ErrorRecord: { } record } ? record.ToString() : failure.Message;
        _cmdlet.WriteWarning($"Callback handler '{handlerName}' failed on {e.EventName} and was skipped: {message}");
    }
}
