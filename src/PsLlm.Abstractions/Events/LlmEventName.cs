namespace PsLlm;

/// <summary>The callback events, named as LangChain's BaseCallbackHandler methods without the "on_" prefix.</summary>
public enum LlmEventName
{
    ChainStart,
    ChainEnd,
    ChainError,
    ChatModelStart,
    /// <summary>Raised only for handlers that handle LlmStart but not ChatModelStart (LangChain's fallback).</summary>
    LlmStart,
    LlmNewToken,
    LlmEnd,
    LlmError,
    ToolStart,
    ToolEnd,
    ToolError,
    Text,
    AgentAction,
    AgentFinish,
    Retry,
}
