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

    /// <summary>A chain run started (Invoke-LlmChat, Invoke-LlmChain).</summary>
    public virtual void OnChainStart(ChainStartEvent e) { }
    /// <summary>A chain run finished.</summary>
    public virtual void OnChainEnd(ChainEndEvent e) { }
    /// <summary>A chain run failed, was cancelled or was stopped.</summary>
    public virtual void OnChainError(ChainErrorEvent e) { }

    /// <summary>Default: forwards to <see cref="OnLlmStart"/> with the messages as text, as LangChain does.</summary>
    public virtual void OnChatModelStart(ChatModelStartEvent e) => OnLlmStart(LlmStartEvent.From(e));
    /// <summary>LangChain's on_llm_start: the prompts as text (see <see cref="OnChatModelStart"/>).</summary>
    public virtual void OnLlmStart(LlmStartEvent e) { }
    /// <summary>A streamed piece of the answer (or of the reasoning) arrived.</summary>
    public virtual void OnLlmNewToken(LlmNewTokenEvent e) { }
    /// <summary>A model call finished, with its complete response.</summary>
    public virtual void OnLlmEnd(LlmEndEvent e) { }
    /// <summary>A model call failed, was cancelled or was stopped.</summary>
    public virtual void OnLlmError(LlmErrorEvent e) { }
    /// <summary>Text from a chain, such as the prompt.</summary>
    public virtual void OnText(TextEvent e) { }
    /// <summary>A request failed and is about to be sent again.</summary>
    public virtual void OnRetry(RetryEvent e) { }
    /// <summary>The model asked for a tool.</summary>
    public virtual void OnAgentAction(AgentActionEvent e) { }
    /// <summary>A tool run started.</summary>
    public virtual void OnToolStart(ToolStartEvent e) { }
    /// <summary>A tool run finished; its output goes back to the model.</summary>
    public virtual void OnToolEnd(ToolEndEvent e) { }
    /// <summary>A tool call failed; the message goes back to the model.</summary>
    public virtual void OnToolError(ToolErrorEvent e) { }
    /// <summary>The model gave its final answer after using tools.</summary>
    public virtual void OnAgentFinish(AgentFinishEvent e) { }

    /// <summary>The handler's <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
