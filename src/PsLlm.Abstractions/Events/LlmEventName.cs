namespace PsLlm;

/// <summary>The callback events, named as LangChain's BaseCallbackHandler methods without the "on_" prefix.</summary>
public enum LlmEventName
{
    /// <summary>A chain run started.</summary>
    ChainStart,
    /// <summary>A chain run finished.</summary>
    ChainEnd,
    /// <summary>A chain run failed, was cancelled or was stopped.</summary>
    ChainError,
    /// <summary>A model call is about to send its request (with the messages).</summary>
    ChatModelStart,
    /// <summary>Raised only for handlers that handle LlmStart but not ChatModelStart (LangChain's fallback).</summary>
    LlmStart,
    /// <summary>A streamed piece of the answer arrived.</summary>
    LlmNewToken,
    /// <summary>A model call finished.</summary>
    LlmEnd,
    /// <summary>A model call failed.</summary>
    LlmError,
    /// <summary>A tool run started.</summary>
    ToolStart,
    /// <summary>A tool run finished.</summary>
    ToolEnd,
    /// <summary>A tool call failed.</summary>
    ToolError,
    /// <summary>Text from a chain (the prompt).</summary>
    Text,
    /// <summary>The model asked for a tool.</summary>
    AgentAction,
    /// <summary>The final answer after tools.</summary>
    AgentFinish,
    /// <summary>A request is about to be sent again.</summary>
    Retry,
}
