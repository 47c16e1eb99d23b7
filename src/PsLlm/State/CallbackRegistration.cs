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

    /// <summary>The registration's number in this session, for -Id.</summary>
    public int Id { get; }
    /// <summary>Its name, for -Name: the one given, else Callback&lt;Id&gt; or the handler's.</summary>
    public string Name { get; }
    /// <summary>The event names it receives, or "*".</summary>
    public IReadOnlyList<string> EventName { get; }
    /// <summary>"Session" (every chat in this PowerShell session) or "Client" (chats of <see cref="Client"/> only).</summary>
    public string Scope => Client is null ? "Session" : "Client";
    /// <summary>The client whose chats it fires for; null for every chat of the session.</summary>
    public LlmClient? Client { get; }
    /// <summary>True when a failure of the handler stops the chat.</summary>
    public bool RaiseError { get; }
    /// <summary>The -Action scriptblock, when registered with one.</summary>
    public object? Action { get; }
    /// <summary>The handler the engine calls (for -Action, a wrapper around the scriptblock).</summary>
    public CallbackHandler Handler { get; }

    /// <summary>The name and the events.</summary>
    public override string ToString() => $"{Name} ({string.Join(",", EventName)})";
}
