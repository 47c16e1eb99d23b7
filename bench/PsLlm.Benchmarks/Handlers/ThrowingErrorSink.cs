using PsLlm.Engine;

namespace PsLlm.Benchmarks.Handlers;

/// <summary>A failing handler would make the figures meaningless, so the benchmark stops instead of warning.</summary>
public sealed class ThrowingErrorSink : ICallbackErrorSink
{
    public static ThrowingErrorSink Instance { get; } = new();

    public void Report(string handlerName, LlmEvent e, Exception failure) =>
        throw new InvalidOperationException($"Handler '{handlerName}' failed on {e.EventName}: {failure.Message}", failure);
}
