namespace PsLlm.Delivery;

/// <summary>
/// Wraps a handler so it receives only the named events and carries the registration's name and
/// RaiseError. LlmStart is LangChain's fallback for ChatModelStart, so asking for it is honoured.
/// </summary>
internal sealed class EventFilterHandler : CallbackHandler
{
    private readonly CallbackHandler _inner;
    private readonly HashSet<LlmEventName>? _names;

    public EventFilterHandler(CallbackHandler inner, IEnumerable<LlmEventName>? names, string name, bool raiseError)
    {
        _inner = inner;
        _names = names is null ? null : new HashSet<LlmEventName>(names);
        Name = name;
        RaiseError = raiseError;
    }

    public CallbackHandler Inner => _inner;

    private bool Wants(LlmEventName name) => _names is null || _names.Contains(name);

    public override void Handle(LlmEvent e)
    {
        if (Wants(e.Kind)) _inner.Handle(e);
        // LangChain's fallback: a handler for LlmStart but not ChatModelStart gets the prompts as text.
        else if (e is ChatModelStartEvent start && _names is not null && _names.Contains(LlmEventName.LlmStart))
            _inner.Handle(LlmStartEvent.From(start));
        // An async handler's failure stops its run at the next event, whether it wants that event or not.
        else if (_inner is AsyncCallbackHandler async) async.ThrowIfFailed(e);
    }
}
