using PsLlm.Engine.Callbacks;

namespace PsLlm.Engine.Tests;

/// <summary>Collects handler failures that the cmdlets would show as warnings.</summary>
internal sealed class CollectingErrorSink : ICallbackErrorSink
{
    private readonly List<(string Handler, LlmEventName Event, Exception Error)> _reports = new();

    public IReadOnlyList<(string Handler, LlmEventName Event, Exception Error)> Reports
    {
        get { lock (_reports) return _reports.ToArray(); }
    }

    public void Report(string handlerName, LlmEvent e, Exception failure)
    {
        lock (_reports) _reports.Add((handlerName, e.Kind, failure));
    }
}
