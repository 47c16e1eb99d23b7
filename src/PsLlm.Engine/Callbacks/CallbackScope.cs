namespace PsLlm.Engine.Callbacks;

/// <summary>
/// What a new run starts with. <see cref="Inheritable"/> handlers fire for the run and every run
/// under it (request-level -Callback); <see cref="Local"/> handlers and <see cref="Sources"/> fire
/// for this run only (client- and session-level registrations), so a nested chat on another
/// client does not reach them — unlike LangChain, where constructor handlers leak into children
/// that are invoked with the parent's callback manager.
/// </summary>
internal sealed class CallbackScope
{
    public IReadOnlyList<CallbackHandler> Inheritable { get; init; } = Array.Empty<CallbackHandler>();
    public IReadOnlyList<CallbackHandler> Local { get; init; } = Array.Empty<CallbackHandler>();
    public IReadOnlyList<LlmEventSource> Sources { get; init; } = Array.Empty<LlmEventSource>();
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = new Dictionary<string, object?>();
}
