namespace PsLlm;

/// <summary>
/// An object whose runs raise .NET events, so <c>Register-ObjectEvent -InputObject $obj
/// -EventName LlmNewToken -Action {…}</c> works. Events are raised on the thread running the chat,
/// after the run's callback handlers, in event order.
/// </summary>
public abstract class LlmEventSource
{
    /// <summary>Raised for every ChainStart event of this object's runs.</summary>
    public event EventHandler<ChainStartEvent>? ChainStart;
    /// <summary>Raised for every ChainEnd event of this object's runs.</summary>
    public event EventHandler<ChainEndEvent>? ChainEnd;
    /// <summary>Raised for every ChainError event of this object's runs.</summary>
    public event EventHandler<ChainErrorEvent>? ChainError;
    /// <summary>Raised for every ChatModelStart event of this object's runs.</summary>
    public event EventHandler<ChatModelStartEvent>? ChatModelStart;
    /// <summary>Raised for every LlmNewToken event of this object's runs.</summary>
    public event EventHandler<LlmNewTokenEvent>? LlmNewToken;
    /// <summary>Raised for every LlmEnd event of this object's runs.</summary>
    public event EventHandler<LlmEndEvent>? LlmEnd;
    /// <summary>Raised for every LlmError event of this object's runs.</summary>
    public event EventHandler<LlmErrorEvent>? LlmError;
    /// <summary>Raised for every Text event of this object's runs.</summary>
    public event EventHandler<TextEvent>? Text;
    /// <summary>Raised for every Retry event of this object's runs.</summary>
    public event EventHandler<RetryEvent>? Retry;
    /// <summary>Raised for every AgentAction event of this object's runs.</summary>
    public event EventHandler<AgentActionEvent>? AgentAction;
    /// <summary>Raised for every ToolStart event of this object's runs.</summary>
    public event EventHandler<ToolStartEvent>? ToolStart;
    /// <summary>Raised for every ToolEnd event of this object's runs.</summary>
    public event EventHandler<ToolEndEvent>? ToolEnd;
    /// <summary>Raised for every ToolError event of this object's runs.</summary>
    public event EventHandler<ToolErrorEvent>? ToolError;
    /// <summary>Raised for every AgentFinish event of this object's runs.</summary>
    public event EventHandler<AgentFinishEvent>? AgentFinish;
    /// <summary>Every event, whatever its name.</summary>
    public event EventHandler<LlmEvent>? CallbackEvent;

    /// <summary>True when any .NET event has a subscriber (lets the engine skip work).</summary>
    internal bool HasEventSubscribers =>
        ChainStart is not null || ChainEnd is not null || ChainError is not null || ChatModelStart is not null
        || LlmNewToken is not null || LlmEnd is not null || LlmError is not null || Text is not null
        || Retry is not null || AgentAction is not null || ToolStart is not null || ToolEnd is not null
        || ToolError is not null || AgentFinish is not null || CallbackEvent is not null;

    /// <summary>
    /// Raises the event named by <paramref name="e"/> and then <see cref="CallbackEvent"/>. Only the
    /// engine raises them, for the runs it stamps: a script cannot make subscribers see a run that
    /// did not happen.
    /// </summary>
    internal void RaiseEvent(LlmEvent e)
    {
        switch (e)
        {
            case ChainStartEvent x: ChainStart?.Invoke(this, x); break;
            case ChainEndEvent x: ChainEnd?.Invoke(this, x); break;
            case ChainErrorEvent x: ChainError?.Invoke(this, x); break;
            case ChatModelStartEvent x: ChatModelStart?.Invoke(this, x); break;
            case LlmNewTokenEvent x: LlmNewToken?.Invoke(this, x); break;
            case LlmEndEvent x: LlmEnd?.Invoke(this, x); break;
            case LlmErrorEvent x: LlmError?.Invoke(this, x); break;
            case TextEvent x: Text?.Invoke(this, x); break;
            case RetryEvent x: Retry?.Invoke(this, x); break;
            case AgentActionEvent x: AgentAction?.Invoke(this, x); break;
            case ToolStartEvent x: ToolStart?.Invoke(this, x); break;
            case ToolEndEvent x: ToolEnd?.Invoke(this, x); break;
            case ToolErrorEvent x: ToolError?.Invoke(this, x); break;
            case AgentFinishEvent x: AgentFinish?.Invoke(this, x); break;
        }
        CallbackEvent?.Invoke(this, e);
    }
}
