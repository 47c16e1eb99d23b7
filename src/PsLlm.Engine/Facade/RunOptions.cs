using PsLlm.Engine.Callbacks;

namespace PsLlm.Engine;

/// <summary>
/// How the host runs a chat: the handlers for this chat only, the pump that lets the host do its
/// queued work while the answer streams, where handler failures go, and who approves tools.
/// </summary>
// A record, so a run that needs other options than it was given takes a copy `with` the change
// and every other option, present and future, goes along.
public sealed record RunOptions
{
    /// <summary>Client- and session-level handlers and delivery handlers for this chat only.</summary>
    public IReadOnlyList<CallbackHandler> LocalHandlers { get; init; } = Array.Empty<CallbackHandler>();
    /// <summary>Objects whose .NET events fire for this chat besides the client and session (tests).</summary>
    internal IReadOnlyList<LlmEventSource> Sources { get; init; } = Array.Empty<LlmEventSource>();
    /// <summary>Called on the run's thread after every batch of streamed items and while waiting; null: nothing to pump.</summary>
    public IRunPump? Pump { get; init; }
    /// <summary>Where a failing handler that does not stop the run is reported.</summary>
    public ICallbackErrorSink ErrorSink { get; init; } = null!;
    /// <summary>The run this chat is nested in (a tool or chain run); null: the current run, if any.</summary>
    internal CallbackManager? Parent { get; init; }
    /// <summary>
    /// Asked before an approval-gated tool runs (PowerShell: ShouldProcess, so -WhatIf and -Confirm
    /// apply); false sends "not executed" back to the model. Null approves everything.
    /// </summary>
    public Func<LlmTool, ToolCall, bool>? ApproveTool { get; init; }
    /// <summary>Where a tool's verbose messages go (PowerShell: WriteVerbose on the command's thread); null: nowhere.</summary>
    public Action<string>? ToolVerbose { get; init; }
    /// <summary>Where a tool's progress goes: activity, status, percent (PowerShell: WriteProgress); null: nowhere.</summary>
    public Action<string, string, int>? ToolProgress { get; init; }
    /// <summary>How long the run waits for the next item before pumping events again.</summary>
    internal TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>Items buffered between the HTTP reader and the run's thread before the reader waits.</summary>
    internal int QueueCapacity { get; init; } = 1024;
}
