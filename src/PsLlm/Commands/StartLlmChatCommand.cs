using System.Management.Automation;
using PsLlm.Interactive;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Chats at the console: type a prompt, read the streamed answer, repeat; q, quit or exit ends.</para>
/// </summary>
// The answers go to the host, not the pipeline; -PassThru writes the session when the chat ends.
[Cmdlet(VerbsLifecycle.Start, "LlmChat")]
[OutputType(typeof(ChatSession))]
public sealed class StartLlmChatCommand : PSCmdlet, IDisposable
{
    private ChatInvocation? _invocation;

    /// <summary>Continue this conversation; default: a new session.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ChatSession? Session { get; set; }

    /// <summary>The client to chat with; default: the session's, else the default client.</summary>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>Overrides the session's (or client's) model.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>The system message; with -Session it replaces the session's.</summary>
    [Parameter]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>Write the session when the chat ends (for Export-LlmChatSession or more Invoke-LlmChat -Session).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _invocation = new ChatInvocation(this);

    protected override void ProcessRecord()
    {
        var session = Session ?? new ChatSession(Client, System, Model);
        if (Session is not null && System is not null) session.System = System;
        // A given session keeps its own client and model; -Client and -Model apply to these chats only.
        new InteractiveChatLoop(this, _invocation!, session, Session is null ? null : Client, Session is null ? null : Model).Run();
        if (PassThru) WriteObject(session);
    }

    protected override void StopProcessing() => _invocation?.Stop();

    public void Dispose() => _invocation?.Dispose();
}
