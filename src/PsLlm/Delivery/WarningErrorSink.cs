using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Delivery;

/// <summary>
/// Reports failing handlers (those without RaiseError) as warnings: one per handler per run, when
/// the run ends, saying on how many events it failed — not one per token. The chat goes on.
/// </summary>
internal sealed class WarningErrorSink : ICallbackErrorSink
{
    private readonly Cmdlet _cmdlet;
    private readonly Dictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    // An awaited async handler that ran out of time did not fail: it is said as it is, once each.
    private readonly List<string> _late = new();

    public WarningErrorSink(Cmdlet cmdlet) => _cmdlet = cmdlet;

    public void Report(string handlerName, LlmEvent e, Exception failure)
    {
        // While the pipeline stops, handlers fail with PipelineStoppedException: not their fault.
        if (_cmdlet.Stopping || failure is PipelineStoppedException) return;
        lock (_failures)
        {
            if (failure is AsyncCallbackTimeoutException)
            {
                if (!_late.Contains(failure.Message)) _late.Add(failure.Message);
                return;
            }
            if (!_failures.TryGetValue(handlerName, out var seen))
            {
                var message = failure is RuntimeException { ErrorRecord: { } record } ? record.ToString() : failure.Message;
                _failures[handlerName] = seen = new Failures(message);
            }
            seen.Add(e.EventName);
        }
    }

    /// <summary>Writes the warnings gathered so far, one per handler; call on the pipeline thread when a run ends.</summary>
    public void Flush()
    {
        List<(string Handler, Failures Seen)> failures;
        string[] late;
        lock (_failures)
        {
            failures = _failures.Select(f => (f.Key, f.Value)).ToList();
            _failures.Clear();
            late = _late.ToArray();
            _late.Clear();
        }
        if (_cmdlet.Stopping) return;
        foreach (var message in late) _cmdlet.WriteWarning(message);
        foreach (var (handler, seen) in failures)
            _cmdlet.WriteWarning($"Callback handler '{handler}' failed on {seen.Describe()} and was skipped: {seen.FirstMessage}");
    }

    private sealed class Failures(string firstMessage)
    {
        private readonly Dictionary<string, int> _byEvent = new(StringComparer.Ordinal);
        private int _total;

        public string FirstMessage { get; } = firstMessage;

        public void Add(string eventName)
        {
            _byEvent[eventName] = _byEvent.GetValueOrDefault(eventName) + 1;
            _total++;
        }

        /// <summary>"LlmEnd", or "200 events (LlmNewToken ×199, LlmEnd)".</summary>
        public string Describe()
        {
            if (_total == 1) return _byEvent.Keys.Single();
            var parts = _byEvent.Select(p => p.Value == 1 ? p.Key : $"{p.Key} ×{p.Value}");
            return $"{_total} events ({string.Join(", ", parts)})";
        }
    }
}
