namespace PsLlm.Engine.Callbacks;

/// <summary>
/// Dispatches the events of one run (chain, LLM or tool) to its handlers, in registration order,
/// on the calling thread (a concurrent chat's events on its <see cref="OwnerThread"/>). Children inherit the inheritable handlers, tags and metadata; local
/// handlers and .NET event sources belong to the run that was given them.
/// </summary>
internal sealed class CallbackManager
{
    private static readonly AsyncLocal<CallbackManager?> Ambient = new();
    private readonly CallbackHandler[] _handlers;
    private readonly IReadOnlyList<CallbackHandler> _inheritable;
    private readonly IReadOnlyList<CallbackHandler> _local;
    private readonly LlmEventSource[] _sources;
    // .NET events reach PowerShell actions through one thread-pool work item each, so a source's
    // LlmNewToken events are coalesced (Count says how many tokens each carries), as engine
    // events are: a fast stream must not leave thousands of queued actions behind it.
    private readonly TokenCoalescer?[] _sourceTokens;

    /// <summary>
    /// At most one .NET token event per 50 ms a source: 20 a second is a pace PowerShell's event
    /// queue keeps up with, and a model's tokens that come further apart still arrive one by one.
    /// </summary>
    private static readonly TimeSpan SourceTokenWindow = TimeSpan.FromMilliseconds(50);
    private readonly ICallbackErrorSink _errors;
    // The run's stop (Ctrl+C): an async handler that makes the chat wait stops waiting with it.
    private readonly CancellationToken _cancellation;

    private CallbackManager(Guid runId, Guid? parentRunId, CallbackScope scope, ICallbackErrorSink errors, CancellationToken cancellation)
    {
        _cancellation = cancellation;
        RunId = runId;
        ParentRunId = parentRunId;
        _inheritable = scope.Inheritable;
        _local = scope.Local;
        _sources = scope.Sources.Distinct().ToArray();
        _sourceTokens = new TokenCoalescer?[_sources.Length];
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
    public static CallbackManager StartRoot(CallbackScope scope, ICallbackErrorSink errors, CancellationToken cancellation = default) =>
        new(Guid.NewGuid(), null, scope, errors, cancellation);

    /// <summary>
    /// Starts a child run: it keeps this run's inheritable handlers, tags and metadata and adds
    /// the child's own; it gets only the local handlers and sources given here.
    /// </summary>
    public CallbackManager StartChild(CallbackScope? childScope = null, CancellationToken cancellation = default)
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
        return new CallbackManager(Guid.NewGuid(), RunId, scope, _errors, cancellation.CanBeCanceled ? cancellation : _cancellation);
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
        // A concurrent chat's worker: its handlers run on the owner (pipeline) thread, in order.
        if (OwnerThread.IsElsewhere)
        {
            OwnerThread.Run(() => Raise(e, stopOnRaiseError));
            return;
        }
        e.Stamp(RunId, ParentRunId, Tags, Metadata);
        var outerCancellation = RaiseContext.Cancellation;
        RaiseContext.Cancellation = _cancellation;
        try
        {
            CallHandlers(e, stopOnRaiseError);
        }
        finally
        {
            RaiseContext.Cancellation = outerCancellation;
        }
        for (var i = 0; i < _sources.Length; i++)
        {
            var source = _sources[i];
            if (!source.HasEventSubscribers) continue;
            if (e is LlmNewTokenEvent token)
            {
                // Paced by time alone: neither size nor line ends may make events come faster.
                var tokens = _sourceTokens[i] ??= new TokenCoalescer(SourceTokenWindow, maxChars: int.MaxValue, releaseAtLineEnd: false);
                if (tokens.PendingKind is { } kind && kind != token.TokenKind && tokens.Flush() is { } other) RaiseOn(source, other);
                if (tokens.Add(token) is { } batch) RaiseOn(source, batch);
                continue;
            }
            // Whatever follows the tokens (LlmEnd, LlmError) releases the pending batch first.
            if (_sourceTokens[i]?.Flush() is { } pending) RaiseOn(source, pending);
            RaiseOn(source, e);
        }
    }

    private void CallHandlers(LlmEvent e, bool stopOnRaiseError)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler.Handle(e);
            }
            catch (AsyncCallbackTimeoutException late)
            {
                // An awaited async handler ran out of time: the chat goes on, RaiseError or not.
                _errors.Report(handler.Name, e, late);
            }
            catch (AsyncCallbackFailedException failed) when (handler.RaiseError && stopOnRaiseError)
            {
                throw new LlmException(
                    LlmErrorKind.CallbackFailed,
                    "LlmCallbackFailed",
                    $"Callback handler '{handler.Name}' failed on {failed.Failure.EventName} and stopped the run at {e.EventName}: {failed.Message}",
                    failed.InnerException);
            }
            catch (LlmException stop) when (stop.Kind is LlmErrorKind.Stopped or LlmErrorKind.Cancelled && handler.RaiseError && stopOnRaiseError)
            {
                // A delivery handler whose reader stopped (Select-Object -First): the run ends, as asked.
                throw;
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
    }

    private void RaiseOn(LlmEventSource source, LlmEvent e)
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
