using PsLlm.Engine.Callbacks;

namespace PsLlm.Engine.Chat;

/// <summary>How a chat run is hosted: its scope-local handlers, event pump and parent run.</summary>
public sealed class RunOptions
{
    /// <summary>Client- and session-level handlers and delivery handlers for this chat only.</summary>
    public IReadOnlyList<CallbackHandler> LocalHandlers { get; init; } = Array.Empty<CallbackHandler>();
    /// <summary>Objects whose .NET events fire for this chat besides the client (e.g. a session).</summary>
    public IReadOnlyList<LlmEventSource> Sources { get; init; } = Array.Empty<LlmEventSource>();
    public IRunPump? Pump { get; init; }
    public ICallbackErrorSink ErrorSink { get; init; } = null!;
    /// <summary>The run this chat is nested in (a tool or chain run); null for a root chat.</summary>
    public CallbackManager? Parent { get; init; }
    /// <summary>
    /// Asked before an approval-gated tool runs (PowerShell: ShouldProcess, so -WhatIf and -Confirm
    /// apply); false sends "not executed" back to the model. Null approves everything.
    /// </summary>
    public Func<LlmTool, ToolCall, bool>? ApproveTool { get; init; }
    /// <summary>How long the run waits for the next item before pumping events again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>Items buffered between the HTTP reader and the run's thread before the reader waits.</summary>
    public int QueueCapacity { get; init; } = 1024;
}
