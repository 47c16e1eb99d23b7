namespace PsLlm;

/// <summary>
/// Base class for callback handlers, after LangChain's BaseCallbackHandler: override the On*
/// methods you care about; the others do nothing. A PowerShell class can derive from it:
/// <code>class Logger : PsLlm.CallbackHandler { [void] OnLlmEnd([PsLlm.LlmEndEvent]$e) { … } }</code>
/// Handlers are called on the thread that runs the chat (the pipeline thread in PowerShell),
/// in event order.
/// </summary>
public class CallbackHandler
{
    /// <summary>
    /// When true, an exception thrown by this handler stops the run (LangChain's raise_error);
    /// when false it is reported as a warning and the run goes on.
    /// </summary>
    public bool RaiseError { get; set; }

    private string? _name;

    /// <summary>
    /// A name for warnings and Get-LlmCallback; the type name unless set. Settable, so any handler
    /// can name itself, a PowerShell class too (<c>$this.Name = 'Counter'</c> in its constructor).
    /// Null gives the type name back.
    /// </summary>
    public string Name
    {
        get => _name ?? GetType().Name;
        set => _name = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>
    /// The entry point for every event: calls the matching On* method. Override it instead of the
    /// On* methods to receive all events in one place (as forwarding and logging handlers do).
    /// </summary>
    public virtual void Handle(LlmEvent e) => e.DispatchTo(this);

    public virtual void OnChainStart(ChainStartEvent e) { }
    public virtual void OnChainEnd(ChainEndEvent e) { }
    public virtual void OnChainError(ChainErrorEvent e) { }

    /// <summary>Default: forwards to <see cref="OnLlmStart"/> with the messages as text, as LangChain does.</summary>
    public virtual void OnChatModelStart(ChatModelStartEvent e) => OnLlmStart(LlmStartEvent.From(e));
    public virtual void OnLlmStart(LlmStartEvent e) { }
    public virtual void OnLlmNewToken(LlmNewTokenEvent e) { }
    public virtual void OnLlmEnd(LlmEndEvent e) { }
    public virtual void OnLlmError(LlmErrorEvent e) { }
    public virtual void OnText(TextEvent e) { }
    public virtual void OnRetry(RetryEvent e) { }
    public virtual void OnAgentAction(AgentActionEvent e) { }
    public virtual void OnToolStart(ToolStartEvent e) { }
    public virtual void OnToolEnd(ToolEndEvent e) { }
    public virtual void OnToolError(ToolErrorEvent e) { }
    public virtual void OnAgentFinish(AgentFinishEvent e) { }

    public override string ToString() => Name;
}
