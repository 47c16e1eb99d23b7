namespace PsLlm.Engine;

/// <summary>
/// Where a failing handler that did not ask to stop the run is reported. The cmdlets turn it
/// into a warning on the pipeline thread; tests collect it.
/// </summary>
public interface ICallbackErrorSink
{
    /// <summary>A handler named <paramref name="handlerName"/> threw <paramref name="failure"/> while handling <paramref name="e"/>; the run goes on.</summary>
    void Report(string handlerName, LlmEvent e, Exception failure);
}
