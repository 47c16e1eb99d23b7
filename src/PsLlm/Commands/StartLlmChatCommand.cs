using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Interactive;
using PsLlm.Invocation;
using PsLlm.Rendering;

namespace PsLlm.Commands;

/// <summary>Chats at the console: type a prompt, read the streamed answer, repeat; q, quit or exit ends.</summary>
/// <remarks>
/// <para>
/// The Start-LlmChat cmdlet runs an interactive chat at the console, like LangChain's console loop. It prints a line
/// naming the model and the endpoint, then prompts "You: ", sends each line as a streamed chat of a session and shows
/// the answer after "AI: " as it arrives. It repeats until you type q, quit or exit (or /q, /quit, /exit), press Ctrl+C
/// at an empty prompt, or the input ends.
/// </para>
/// <para>
/// In pwsh's console the prompt is PSReadLine's editor: arrows and the usual editing keys work, and Up recalls earlier
/// prompts of this PowerShell session. Enter sends the line as typed (quotes and brackets need not balance). For
/// several lines, press Shift+Enter or Ctrl+Enter (Ctrl+J in most terminals) between them, or type ``` on a line of its
/// own, then the lines, then ``` again. The chat's lines are kept in memory only: PowerShell's history file never gets
/// them, and nothing is coloured or predicted as PowerShell. PSReadLine's own settings are put back when the chat ends.
/// Other hosts read lines with their own reader.
/// </para>
/// <para>
/// Ctrl+C while an answer arrives stops that answer: what came is left on screen, marked as stopped, not added to the
/// history, and the prompt returns. Ctrl+C with text typed drops the text; at an empty prompt it ends the chat.
/// </para>
/// <para>
/// Answers are drawn as Markdown while they stream: headings, emphasis, lists, quotes, code blocks in their own colour
/// with their language, and tables with aligned columns (drawn when complete). Plain text is shown instead when output
/// is redirected, with NO_COLOR set, with $PSStyle.OutputRendering = 'PlainText', in a host without VT support, or with
/// -NoMarkdown.
/// </para>
/// <para>
/// Everything the chat shows (prompts, answers, tool calls, messages) is written as Write-Host writes: live on screen,
/// recorded by Start-Transcript, and captured by 6&gt;&amp;1 or -InformationVariable. The pipeline carries only the
/// session, with -PassThru, when the chat ends.
/// </para>
/// <para>
/// Each line is a chat like Invoke-LlmChat -Session -Stream: it raises the usual callback events (registered callbacks
/// and the client's and session's .NET events see it), and the whole turn is appended to the session when it succeeds.
/// A failed turn writes a non-terminating error, leaves the history as it was, and the loop goes on with the next line.
/// With -Tool the model may call tools; a tool that needs approval asks at the console before it runs.
/// </para>
/// <para>
/// Lines that start with / are commands: /help (or /?) lists them; /history shows the conversation so far, with tool
/// calls, results and attachments; /clear forgets the history (the system message stays); /system &lt;text&gt; sets the
/// system message and /system alone shows it; /model &lt;name&gt; chats with another model from now on (/model alone
/// shows it); /tools lists the tools; /attach &lt;path or image URL&gt; sends a file or image with the next prompt;
/// /retry asks the last prompt again, dropping its answer from the history; /copy puts the last answer on the clipboard
/// (Set-Clipboard; on Linux it needs xclip or wl-copy); /save &lt;path&gt; saves the session like Export-LlmChatSession
/// (quote a path with spaces: /save "my chat.json"). An unknown command prints a hint and sends nothing. To send a prompt
/// that starts with /, start the line with //: the first / is removed. Blank lines are ignored.
/// </para>
/// <para>
/// When standard input is redirected, lines are read from it and echoed, so the chat can be scripted: 'hello', 'q' |
/// pwsh -c 'Import-Module PsLlm; Start-LlmChat'. The end of the input ends the chat like q.
/// </para>
/// </remarks>
/// <input type="PsLlm.ChatSession">A session to continue (-Session), by value.</input>
/// <output type="None">By default, the cmdlet writes nothing to the pipeline; the conversation is shown on the host.</output>
/// <output type="PsLlm.ChatSession">With -PassThru, the session when the chat ends.</output>
/// <notes>
/// <para>
/// Commands: /help or /? (the list), /history, /clear, /system [&lt;text&gt;], /model [&lt;name&gt;], /tools, /attach
/// [&lt;path&gt;], /retry, /copy, /save &lt;path&gt;, q, quit, exit, /q, /quit, /exit. Commands and quit words are not
/// case-sensitive. //text sends "/text" as a prompt; ``` on a line of its own starts and ends a prompt of several lines.
/// </para>
/// <para>
/// Start-Transcript records the conversation with the lines you typed; PowerShell transcribes streamed text in the
/// pieces it was written in, as it does Write-Host -NoNewline, so a transcript shows an answer across several lines. An
/// answer without text (for example only a refusal) shows as "AI: (no text in the answer)".
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

    /// <summary>
    /// Tools the model may call during the chat (New-LlmTool). A tool that needs approval asks at the console before
    /// each call; /tools lists them.
    /// </summary>
    /// <value>None</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public LlmTool[]? Tool { get; set; }

    /// <summary>Show answers as plain text, without drawing their Markdown.</summary>
    [Parameter]
    public SwitchParameter NoMarkdown { get; set; }

    /// <summary>One invocation serves every turn of the loop.</summary>
    protected override void BeginProcessing() => _invocation = new ChatInvocation(this);

    /// <summary>Chats until q, quit, exit, Ctrl+C at an empty prompt, or the end of input.</summary>
    protected override void ProcessRecord()
    {
        var session = Session ?? new ChatSession(Client, System, Model);
        if (Session is not null && System is not null) session.System = System;
        // A given session keeps its own client and model; -Client and -Model apply to these chats only.
        var markdown = !NoMarkdown && TerminalStyle.MarkdownWanted(this);
        new InteractiveChatLoop(this, _invocation!, session, Session is null ? null : Client, Session is null ? null : Model, Tool ?? [], markdown).Run();
        if (PassThru) WriteObject(session);
    }

    /// <summary>Ctrl+C: called on another thread, so it only signals the running turn.</summary>
    protected override void StopProcessing() => _invocation?.Stop();

    /// <summary>Releases the event pump and the Ctrl+C token.</summary>
    public void Dispose() => _invocation?.Dispose();
}
