namespace PsLlm;

/// <summary>
/// A handler registered with Register-LlmCallback: which events it receives, in which scope, and
/// whether its failure stops the run. Returned by Register-LlmCallback and Get-LlmCallback.
/// </summary>
public sealed class CallbackRegistration
{
    internal CallbackRegistration(int id, string name, IReadOnlyList<string> eventNames, CallbackHandler handler, LlmClient? client, bool raiseError, object? action)
    {
        Id = id;
        Name = name;
        EventName = eventNames;
        Handler = handler;
        Client = client;
        RaiseError = raiseError;
        Action = action;
    }

    public int Id { get; }
    public string Name { get; }
    /// <summary>The event names it receives, or "*".</summary>
    public IReadOnlyList<string> EventName { get; }
    /// <summary>"Session" (every chat in this PowerShell session) or "Client" (chats of <see cref="Client"/> only).</summary>
    public string Scope => Client is null ? "Session" : "Client";
    public LlmClient? Client { get; }
    public bool RaiseError { get; }
    /// <summary>The -Action scriptblock, when registered with one.</summary>
    public object? Action { get; }
    /// <summary>The handler the engine calls (for -Action, a wrapper around the scriptblock).</summary>
    public CallbackHandler Handler { get; }

    public override string ToString() => $"{Name} ({string.Join(",", EventName)})";
}
