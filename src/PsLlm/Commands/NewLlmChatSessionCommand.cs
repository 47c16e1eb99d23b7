using System.Management.Automation;
using PsLlm.Arguments;

namespace PsLlm.Commands;

/// <summary>Creates a conversation: Invoke-LlmChat -Session sends its history and adds each turn.</summary>
/// <remarks>
/// <para>
/// The New-LlmChatSession cmdlet creates a PsLlm.ChatSession: a conversation with an optional system message, the turns
/// so far, and limits on how much history is sent. It sends nothing itself.
/// </para>
/// <para>
/// Pass the session to Invoke-LlmChat -Session (or Start-LlmChat -Session). Each chat sends the system message, the
/// history (trimmed to -MaxHistory and -MaxTokens) and the new prompt. When the chat succeeds, its whole turn is
/// appended to the session at once: the prompt, any tool calls and their results, and the answer. A failed or stopped
/// turn appends nothing, and Invoke-LlmChat warns "The turn failed; the session's history is unchanged."
/// </para>
/// <para>
/// The session keeps the whole history, whatever the limits: Messages holds every message (oldest first, without the
/// system message) and TurnCount the number of user turns. The limits only decide what is sent. Trimming: the system
/// message is never trimmed, and history is dropped by whole turns, oldest first. A turn is a user message with
/// everything up to the next one (the answer, tool calls and their results), so a tool result never loses the call it
/// answers. The newest turn is always sent, even when it alone exceeds a limit. Tokens are estimated, not counted:
/// about one token per 4 characters (content, tool names and arguments) plus 4 per message.
/// </para>
/// <para>
/// Other members: Id, Client, Model, System, MaxHistory and MaxTokens (all settable), CreatedAt, UpdatedAt, Usage (the
/// token counts of all its chats so far), Clear() (forgets the history; the system message stays). A session raises the
/// same .NET events as a client for every one of its chats, so Register-ObjectEvent -InputObject $session works as for
/// a client. Export-LlmChatSession saves a session to a file and Import-LlmChatSession reads it back.
/// </para>
/// </remarks>
/// <input type="None">You cannot pipe input to this cmdlet.</input>
/// <output type="PsLlm.ChatSession">
/// The new, empty session. Its default view shows the first 8 characters of Id, TurnCount, Model, System and UpdatedAt.
/// </output>
/// <notes>
/// <para>
/// A session is not tied to a thread or a client: one session can be used by several clients in turn, and the same
/// session object can be continued by piping a response back to Invoke-LlmChat, since every ChatResponse of a session
/// chat has the session in its Session property.
/// </para>
/// <para>
/// Usage counts the tokens that the server reported for the session's chats; it is not saved by Export-LlmChatSession.
/// </para>
/// <para>
/// Trimming: the system message is never trimmed, and history is dropped by whole turns, oldest first. A turn is a user
/// message with everything up to the next one (the answer, tool calls and their results), so a tool result never loses
/// the call it answers. The newest turn is always sent, even when it alone exceeds a limit. Tokens are estimated, not
/// counted: about one token per 4 characters (content, tool names and arguments) plus 4 per message.
/// </para>
/// </notes>
/// <example title="a conversation">
/// <code><![CDATA[
/// $s = New-LlmChatSession -System 'You are terse.'
/// Invoke-LlmChat 'My name is Ada.' -Session $s | Out-Null
/// Invoke-LlmChat 'What is my name?' -Session $s
/// $s.TurnCount
/// ]]></code>
/// <para>
/// Creates a session with a system message and chats twice in it. The second chat sends the system message, the first
/// turn (question and answer) and the new question, so the model can answer "Ada". TurnCount is then 2.
/// </para>
/// </example>
/// <example title="limit the history that is sent">
/// <code><![CDATA[
/// $s = New-LlmChatSession -System 'You are a helpful assistant.' -MaxHistory 20 -MaxTokens 4000
/// 'Hello.', 'Tell me about owls.', 'And about ravens?' | Invoke-LlmChat -Session $s | ForEach-Object Text
/// $s.Messages.Count
/// ]]></code>
/// <para>
/// Each chat sends at most the 20 newest history messages and about 4000 tokens of history, dropping the oldest whole
/// turns first. The three prompts run one after the other in the same session. The session still keeps every message:
/// Messages.Count is 6.
/// </para>
/// </example>
/// <example title="a session with its own client and model">
/// <code><![CDATA[
/// $local = New-LlmClient -Endpoint http://localhost:11434/v1 -Model llama3.2
/// $s = New-LlmChatSession -Client $local -Model llama3.2 -System 'Answer in French.'
/// $r = Invoke-LlmChat 'Good morning!' -Session $s
/// $r | Invoke-LlmChat 'How are you?' -Model llama3.2
/// $s | Format-List Id, Model, TurnCount, Usage
/// ]]></code>
/// <para>
/// Every chat of the session uses the Ollama client and its model without -Client or -Model. Piping the response back
/// to Invoke-LlmChat continues the same session. -Model is given on the second chat because a piped response also binds
/// its Model property (the model name the server reported) to -Model.
/// </para>
/// </example>
/// <example title="watch every chat of a session">
/// <code><![CDATA[
/// $s = New-LlmChatSession
/// $sub = Register-ObjectEvent -InputObject $s -EventName LlmEnd -Action {
///     Write-Host "[$($EventArgs.Response.Usage)]"
/// }
/// Invoke-LlmChat 'Hi' -Session $s
/// Start-Sleep -Milliseconds 100
/// Unregister-Event -SourceIdentifier $sub.Name
/// ]]></code>
/// <para>A session raises the same .NET events as a client, for each of its chats, whatever client the chat uses.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmChatSession")]
[OutputType(typeof(ChatSession))]
public sealed class NewLlmChatSessionCommand : PSCmdlet
{
    /// <summary>
    /// The system message. It is sent first with every chat of the session and is never trimmed. Invoke-LlmChat -System
    /// replaces it for one chat; Start-LlmChat -System and the /system command replace it for good.
    /// </summary>
    [Parameter(Position = 0)]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>
    /// <para>
    /// The client (endpoint, key, model) the session's chats use. Invoke-LlmChat -Client overrides it for one chat.
    /// </para>
    /// <para>
    /// When omitted, each chat uses the default client at the time of that chat: New-LlmClient -Default, else the
    /// environment variables OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL.
    /// </para>
    /// </summary>
    /// <value>None (the default client at the time of each chat)</value>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>
    /// The model the session's chats use. Invoke-LlmChat -Model overrides it for one chat. When omitted, the client's
    /// model is used.
    /// </summary>
    /// <value>None (the client's model)</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>
    /// Send at most this many history messages with each chat (1 or more), dropping the oldest whole turns first. Every
    /// message counts: user messages, answers, tool calls and tool results. The system message and the new prompt are
    /// not counted. The newest turn is always sent, even when it alone has more messages.
    /// </summary>
    /// <value>None (no limit)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxHistory { get; set; }

    /// <summary>
    /// <para>
    /// Send at most about this many tokens of history with each chat (1 or more), dropping the oldest whole turns
    /// first. Tokens are estimated at one per 4 characters plus 4 per message, since no tokenizer fits every model;
    /// leave room for the system message, the prompt and the answer. The newest turn is always sent.
    /// </para>
    /// <para>This limits the history sent, not the answer; Invoke-LlmChat -MaxTokens limits the answer.</para>
    /// </summary>
    /// <value>None (no limit)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxTokens { get; set; }

    /// <summary>A new session per input object.</summary>
    protected override void ProcessRecord() =>
        WriteObject(new ChatSession(
            Client,
            System,
            Model,
            MyInvocation.BoundParameters.ContainsKey(nameof(MaxHistory)) ? MaxHistory : null,
            MyInvocation.BoundParameters.ContainsKey(nameof(MaxTokens)) ? MaxTokens : null));
}
