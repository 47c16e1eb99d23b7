namespace PsLlm.Engine.Callbacks;

/// <summary>
/// Dispatches the events of one run (chain, LLM or tool) to its handlers, in registration order,
/// on the calling thread. Children inherit the inheritable handlers, tags and metadata; local
/// handlers and .NET event sources belong to the run that was given them.
/// </summary>
public sealed class CallbackManager
{
    private static readonly AsyncLocal<CallbackManager?> Ambient = new();
    private readonly CallbackHandler[] _handlers;
    private readonly IReadOnlyList<CallbackHandler> _inheritable;
    private readonly IReadOnlyList<CallbackHandler> _local;
    private readonly IReadOnlyList<LlmEventSource> _sources;
    private readonly ICallbackErrorSink _errors;

    private CallbackManager(Guid runId, Guid? parentRunId, CallbackScope scope, ICallbackErrorSink errors)
    {
        RunId = runId;
        ParentRunId = parentRunId;
        _inheritable = scope.Inheritable;
        _local = scope.Local;
        _sources = scope.Sources.Distinct().ToArray();
        Tags = scope.Tags.Distinct(StringComparer.Ordinal).ToArray();
        Metadata = scope.Metadata;
        _errors = errors;
        // One handler registered in two scopes (say, on the client and with -Callback) fires once.
        _handlers = _inheritable.Concat(_local).Distinct(ReferenceEqualityComparer.Instance).Cast<CallbackHandler>().ToArray();
    }

    public Guid RunId { get; }
    public Guid? ParentRunId { get; }
    public IReadOnlyList<string> Tags { get; }
    public IReadOnlyDictionary<string, object?> Metadata { get; }
    public IReadOnlyList<CallbackHandler> InheritableHandlers => _inheritable;
    public IReadOnlyList<CallbackHandler> LocalHandlers => _local;

    /// <summary>True when nothing at all listens, so callers may skip building events.</summary>
    public bool IsEmpty => _handlers.Length == 0 && !_sources.Any(s => s.HasEventSubscribers);

    /// <summary>
    /// The run whose code is executing on this flow: a chat started from inside it (from a
    /// handler, a tool or a chain step) becomes its child and inherits its request handlers.
    /// </summary>
    public static CallbackManager? Current => Ambient.Value;

    /// <summary>Makes this run <see cref="Current"/> until the returned scope is disposed.</summary>
    public IDisposable Activate()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new AmbientScope(previous);
    }

    private sealed class AmbientScope : IDisposable
    {
        private readonly CallbackManager? _previous;
        public AmbientScope(CallbackManager? previous) => _previous = previous;
        public void Dispose() => Ambient.Value = _previous;
    }

    /// <summary>Starts a root run.</summary>
    public static CallbackManager StartRoot(CallbackScope scope, ICallbackErrorSink errors) =>
        new(Guid.NewGuid(), null, scope, errors);

    /// <summary>
    /// Starts a child run: it keeps this run's inheritable handlers, tags and metadata and adds
    /// the child's own; it gets only the local handlers and sources given here.
    /// </summary>
    public CallbackManager StartChild(CallbackScope? childScope = null)
    {
        childScope ??= new CallbackScope();
        var metadata = new Dictionary<string, object?>(Metadata);
        foreach (var pair in childScope.Metadata) metadata[pair.Key] = pair.Value;
        var scope = new CallbackScope
        {
            Inheritable = _inheritable.Concat(childScope.Inheritable).ToArray(),
            Local = childScope.Local,
            Sources = childScope.Sources,
            Tags = Tags.Concat(childScope.Tags).ToArray(),
            Metadata = metadata,
        };
        return new CallbackManager(Guid.NewGuid(), RunId, scope, _errors);
    }

    /// <summary>
    /// Raises <paramref name="e"/> for this run. A handler that throws is reported to the error
    /// sink and skipped, unless it set RaiseError: then the run stops with
    /// <see cref="LlmException"/> (kind CallbackFailed) after the other handlers are skipped.
    /// </summary>
    public void Raise(LlmEvent e) => Raise(e, stopOnRaiseError: true);

    /// <summary>
    /// Raises an event while the run is already failing: every handler is called and every
    /// failure, RaiseError or not, is only reported, so one failure cannot hide another.
    /// </summary>
    public void RaiseWhileFailing(LlmEvent e) => Raise(e, stopOnRaiseError: false);

    private void Raise(LlmEvent e, bool stopOnRaiseError)
    {
        e.Stamp(RunId, ParentRunId, Tags, Metadata);
        foreach (var handler in _handlers)
        {
            try
            {
                handler.Handle(e);
            }
            catch (Exception ex) when (handler.RaiseError && stopOnRaiseError)
            {
                throw new LlmException(
                    LlmErrorKind.CallbackFailed,
                    "LlmCallbackFailed",
                    $"Callback handler '{handler.Name}' failed on {e.EventName} and stopped the run: {ex.Message}",
                    ex);
            }
            catch (Exception ex)
            {
                _errors.Report(handler.Name, e, ex);
            }
        }
        foreach (var source in _sources)
        {
            try
            {
                source.RaiseEvent(e);
            }
            catch (Exception ex)
            {
                _errors.Report(source.GetType().Name + " event subscriber", e, ex);
            }
        }
    }
}
