using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Interactive;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>Chats at the console: type a prompt, read the streamed answer, repeat; q, quit or exit ends.</summary>
/// <remarks>
/// <para>
/// The Start-LlmChat cmdlet runs an interactive chat at the console, like LangChain's console loop. It prints a line
/// naming the model and the endpoint, then prompts "You: ", sends each line as a streamed chat of a session and shows
/// the answer after "AI: " as it arrives. It repeats until you type q, quit or exit (or /q, /quit, /exit), or the input
/// ends.
/// </para>
/// <para>
/// The answers go to the host, not to the pipeline. The conversation is a PsLlm.ChatSession: the one given with
/// -Session, or a new one made from -Client, -Model and -System. With -PassThru the session is written to the pipeline
/// when the chat ends, for Export-LlmChatSession or for more Invoke-LlmChat -Session chats.
/// </para>
/// <para>
/// Each line is a chat like Invoke-LlmChat -Session -Stream: it raises the usual callback events (registered callbacks
/// and the client's and session's .NET events see it), and the whole turn is appended to the session when it succeeds.
/// A failed turn writes a non-terminating error, leaves the history as it was, and the loop goes on with the next line.
/// </para>
/// <para>
/// Lines that start with / are commands: /help (or /?) lists them; /history shows the conversation so far, with tool
/// calls and results; /clear forgets the history (the system message stays); /system &lt;text&gt; sets the system
/// message and /system alone shows it; /save &lt;path&gt; saves the session like Export-LlmChatSession (quote a path
/// with spaces: /save "my chat.json"). An unknown command prints a hint and sends nothing. To send a prompt that starts
/// with /, start the line with //: the first / is removed. Blank lines are ignored.
/// </para>
/// <para>
/// When standard input is redirected, lines are read from it and echoed, so the chat can be scripted: 'hello', 'q' |
/// pwsh -c 'Import-Module PsLlm; Start-LlmChat'. The end of the input ends the chat like q.
/// </para>
/// <para>
/// Ctrl+C stops the answer being streamed and ends Start-LlmChat; the interrupted turn is not added to the session, and
/// nothing is written to the pipeline, even with -PassThru.
/// </para>
/// </remarks>
/// <input type="PsLlm.ChatSession">A session to continue (-Session), by value.</input>
/// <output type="None">By default, the cmdlet writes nothing to the pipeline; the conversation is shown on the host.</output>
/// <output type="PsLlm.ChatSession">With -PassThru, the session when the chat ends.</output>
/// <notes>
/// <para>
/// Commands: /help or /? (the list), /history, /clear, /system [&lt;text&gt;], /save &lt;path&gt;, q, quit, exit, /q,
/// /quit, /exit. Commands and quit words are not case-sensitive. //text sends "/text" as a prompt.
/// </para>
/// <para>
/// Start-LlmChat offers no tools to the model; use Invoke-LlmChat -Tool -Session for a conversation with tools. Turns
/// with tool calls made that way are shown by /history as [tool call] and [tool result] lines.
/// </para>
/// <para>
/// The streamed answer is written with the host's Write, so it shows in the console, in transcripts (Start-Transcript)
/// and in redirected output, but not in the pipeline. An answer without text (for example only a refusal) shows as "AI:
/// (no text in the answer)".
/// </para>
/// </notes>
/// <example title="chat at the console">
/// <code><![CDATA[
/// Start-LlmChat -System 'You are a helpful PowerShell expert.'
/// ]]></code>
/// <para>
/// Starts a new conversation with the default client. Type a question after "You: ", read the answer after "AI: ", and
/// type q to end. A session of this kind looks like:
/// </para>
/// <para>Chat with gpt-4o-mini at https://api.openai.com/v1. Type /help for commands, q to quit.</para>
/// <para>You: How do I list services?</para>
/// <para>AI: Use Get-Service.</para>
/// <para>You: q</para>
/// </example>
/// <example title="keep the conversation">
/// <code><![CDATA[
/// $s = Start-LlmChat -Model gpt-4o -PassThru
/// $s | Export-LlmChatSession ./chat.json
/// ]]></code>
/// <para>
/// -PassThru writes the session when the chat ends, so it can be saved, inspected ($s.Messages) or continued with
/// Invoke-LlmChat -Session $s.
/// </para>
/// </example>
/// <example title="continue a saved conversation with another model">
/// <setup><![CDATA[
/// New-LlmChatSession | Export-LlmChatSession ./chat.json
/// ]]></setup>
/// <code><![CDATA[
/// $c = New-LlmClient -Endpoint http://localhost:11434/v1 -Model llama3.2
/// Import-LlmChatSession ./chat.json | Start-LlmChat -Client $c -Model llama3.2
/// ]]></code>
/// <para>
/// Resumes the saved conversation on a local Ollama server. With a session, -Client and -Model apply to this chat loop
/// only; the session keeps its own.
/// </para>
/// </example>
/// <example title="script a chat" needs="PsLlm installed where pwsh finds it, and pwsh on the PATH">
/// <code><![CDATA[
/// "What is 2+2?`n/history`n/save ./math.json`nq" | pwsh -NoProfile -c 'Import-Module PsLlm; Start-LlmChat'
/// ]]></code>
/// <para>
/// With standard input redirected, Start-LlmChat reads the lines from it and echoes them: it asks the question, shows
/// the history, saves the session to math.json and ends.
/// </para>
/// </example>
// The answers go to the host, not the pipeline; -PassThru writes the session when the chat ends.
[Cmdlet(VerbsLifecycle.Start, "LlmChat")]
[OutputType(typeof(ChatSession))]
public sealed class StartLlmChatCommand : PSCmdlet, IDisposable
{
    private ChatInvocation? _invocation;

    /// <summary>
    /// <para>
    /// The conversation to continue, as made by New-LlmChatSession or Import-LlmChatSession. Its history is sent with
    /// every prompt and every turn is appended to it, so the session object holds the conversation after the chat ends.
    /// It can be piped; each piped session starts its own chat loop.
    /// </para>
    /// <para>When omitted, a new session is made from -Client, -Model and -System.</para>
    /// </summary>
    /// <value>A new session</value>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ChatSession? Session { get; set; }

    /// <summary>
    /// The client to chat with. Without -Session it becomes the new session's client. With -Session it is used for this
    /// chat loop only; the session keeps its own Client.
    /// </summary>
    /// <value>The session's client, else the default client</value>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>
    /// The model to chat with. Without -Session it becomes the new session's model. With -Session it is used for this
    /// chat loop only; the session keeps its own Model.
    /// </summary>
    /// <value>The session's model, else the client's</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>
    /// The system message. Without -Session it becomes the new session's system message. With -Session it replaces the
    /// session's system message (the change stays on the session). The /system command changes it during the chat.
    /// </summary>
    /// <value>The session's system message, else none</value>
    [Parameter]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>
    /// Writes the session to the pipeline when the chat ends with q, quit, exit or the end of the input. Without it the
    /// cmdlet writes nothing to the pipeline.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>One invocation serves every turn of the loop.</summary>
    protected override void BeginProcessing() => _invocation = new ChatInvocation(this);

    /// <summary>Chats until q, quit, exit or the end of input.</summary>
    protected override void ProcessRecord()
    {
        var session = Session ?? new ChatSession(Client, System, Model);
        if (Session is not null && System is not null) session.System = System;
        // A given session keeps its own client and model; -Client and -Model apply to these chats only.
        new InteractiveChatLoop(this, _invocation!, session, Session is null ? null : Client, Session is null ? null : Model).Run();
        if (PassThru) WriteObject(session);
    }

    /// <summary>Ctrl+C: called on another thread, so it only signals the running turn.</summary>
    protected override void StopProcessing() => _invocation?.Stop();

    /// <summary>Releases the event pump and the Ctrl+C token.</summary>
    public void Dispose() => _invocation?.Dispose();
}
