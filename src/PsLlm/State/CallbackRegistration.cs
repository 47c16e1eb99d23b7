namespace PsLlm;

/// <summary>
/// A handler registered with Register-LlmCallback: which events it receives, in which scope, and
/// whether its failure stops the run. Returned by Register-LlmCallback and Get-LlmCallback.
/// </summary>
// Its full name, PsLlm.CallbackRegistration, is what scripts and the format view see; only the
// module makes them (the setters are internal).
public sealed class CallbackRegistration
{
    /// <summary>The registration's number in this session, for -Id.</summary>
    public int Id { get; internal init; }
    /// <summary>Its name, for -Name: the one given, else Callback&lt;Id&gt; or the handler's.</summary>
    public string Name { get; internal init; } = string.Empty;
    /// <summary>The event names it receives, or "*".</summary>
    public IReadOnlyList<string> EventName { get; internal init; } = Array.Empty<string>();
    /// <summary>"Session" (every chat in this PowerShell session) or "Client" (chats of <see cref="Client"/> only).</summary>
    public string Scope => Client is null ? "Session" : "Client";
    /// <summary>The client whose chats it fires for; null for every chat of the session.</summary>
    public LlmClient? Client { get; internal init; }
    /// <summary>True when a failure of the handler stops the chat.</summary>
    public bool RaiseError { get; internal init; }
    /// <summary>The -Action scriptblock, when registered with one.</summary>
    public object? Action { get; internal init; }
    /// <summary>
    /// The handler's queue and worker when it is async (Register-LlmCallback -Async, or a
    /// PsLlm.AsyncCallbackHandler): Pending, Processed, Dropped, Failed, Failures. Null otherwise.
    /// </summary>
    public AsyncCallbackHandler? AsyncHandler { get; internal init; }
    /// <summary>True when the handler runs off the chat's thread (see <see cref="AsyncHandler"/>).</summary>
    public bool Async => AsyncHandler is not null;
    /// <summary>The handler the engine calls (for -Action, a wrapper around the scriptblock).</summary>
    public CallbackHandler Handler { get; internal init; } = null!;

    /// <summary>The name and the events.</summary>
    public override string ToString() => $"{Name} ({string.Join(",", EventName)})";
}
