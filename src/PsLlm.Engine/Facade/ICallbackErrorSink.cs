namespace PsLlm.Engine;

/// <summary>
/// Where a failing handler that did not ask to stop the run is reported. The cmdlets turn it
/// into a warning on the pipeline thread; tests collect it.
/// </summary>
public interface ICallbackErrorSink
{
    void Report(string handlerName, LlmEvent e, Exception failure);
}
