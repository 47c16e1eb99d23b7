namespace PsLlm.Delivery;

/// <summary>
/// Wraps a handler so it receives only the named events and carries the registration's name and
/// RaiseError. LlmStart is LangChain's fallback for ChatModelStart, so asking for it is honoured.
/// </summary>
internal sealed class EventFilterHandler : CallbackHandler
{
    private readonly CallbackHandler _inner;
    private readonly HashSet<LlmEventName>? _names;
    private readonly string _name;

    public EventFilterHandler(CallbackHandler inner, IEnumerable<LlmEventName>? names, string name, bool raiseError)
    {
        _inner = inner;
        _names = names is null ? null : new HashSet<LlmEventName>(names);
        _name = name;
        RaiseError = raiseError;
    }

    public CallbackHandler Inner => _inner;
    public override string Name => _name;

    private bool Wants(LlmEventName name) => _names is null || _names.Contains(name);

    private void Forward(LlmEvent e)
    {
        if (Wants(e.Kind)) e.DispatchTo(_inner);
    }

    public override void OnChainStart(ChainStartEvent e) => Forward(e);
    public override void OnChainEnd(ChainEndEvent e) => Forward(e);
    public override void OnChainError(ChainErrorEvent e) => Forward(e);
    public override void OnChatModelStart(ChatModelStartEvent e)
    {
        if (Wants(LlmEventName.ChatModelStart)) e.DispatchTo(_inner);
        else if (_names is not null && _names.Contains(LlmEventName.LlmStart)) _inner.OnLlmStart(LlmStartEvent.From(e));
    }
    public override void OnLlmStart(LlmStartEvent e) => Forward(e);
    public override void OnLlmNewToken(LlmNewTokenEvent e) => Forward(e);
    public override void OnLlmEnd(LlmEndEvent e) => Forward(e);
    public override void OnLlmError(LlmErrorEvent e) => Forward(e);
    public override void OnText(TextEvent e) => Forward(e);
    public override void OnRetry(RetryEvent e) => Forward(e);
}
