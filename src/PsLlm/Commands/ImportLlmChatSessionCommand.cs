using System.Management.Automation;
using PsLlm.Sessions;

namespace PsLlm.Commands;

/// <summary>Reads a conversation saved by Export-LlmChatSession into a new session.</summary>
/// <remarks>
/// <para>
/// The Import-LlmChatSession cmdlet reads a session file written by Export-LlmChatSession (or Start-LlmChat's /save
/// command) and returns a new PsLlm.ChatSession with the saved Id, times, model, system message, limits and history.
/// Continue it with Invoke-LlmChat -Session or Start-LlmChat -Session.
/// </para>
/// <para>
/// Files hold no client, so the session gets the client given with -Client, or none: then each chat uses the default
/// client at the time of that chat (New-LlmClient -Default, else the environment). The token usage starts at zero.
/// </para>
/// <para>
/// The file is checked before anything is returned: a file whose "format" is not "psllm.chat-session", that is not
/// valid JSON, or that has invalid messages fails with LlmSessionFileInvalid; a file from a newer version of the format
/// fails with LlmSessionFileTooNew. A failed import returns nothing. Unknown properties are ignored, so later versions
/// of version 1 can add optional fields.
/// </para>
/// <para>
/// The file is UTF-8 JSON (no BOM, two-space indent): {"format": "psllm.chat-session", "version": 1, "id", "createdAt",
/// "updatedAt" (ISO 8601, UTC), "model", "system", "maxHistory", "maxTokens" (each null when not set), "messages":
/// [...]}. Each message has "role" (user, assistant or tool) and "content"; an assistant message that called tools has
/// "toolCalls" (id, name, arguments), and a tool result has "toolCallId" and "name". Unknown properties are ignored
/// when reading.
/// </para>
/// </remarks>
/// <input type="System.String">The path of a session file.</input>
/// <input type="System.IO.FileInfo">Files from Get-ChildItem, bound by their FullName.</input>
/// <output type="PsLlm.ChatSession">One session per file read.</output>
/// <notes>
/// <para>
/// Error ids: LlmSessionFileNotFound (ObjectNotFound), LlmSessionFileInvalid and LlmSessionFileTooNew (InvalidArgument;
/// the error's recommended action says what to do), LlmSessionFilePathInvalid (not a file system path;
/// InvalidArgument), LlmSessionFileReadFailed (the file could not be read; ReadError). All are non-terminating, so the
/// other piped files are still imported.
/// </para>
/// <para>
/// The file is UTF-8 JSON (no BOM, two-space indent): {"format": "psllm.chat-session", "version": 1, "id", "createdAt",
/// "updatedAt" (ISO 8601, UTC), "model", "system", "maxHistory", "maxTokens" (each null when not set), "messages":
/// [...]}. Each message has "role" (user, assistant or tool) and "content"; an assistant message that called tools has
/// "toolCalls" (id, name, arguments), and a tool result has "toolCallId" and "name". Unknown properties are ignored
/// when reading.
/// </para>
/// </notes>
/// <example title="continue a saved conversation">
/// <setup><![CDATA[
/// New-LlmChatSession -System 'You are terse.' | Export-LlmChatSession ./ada.json
/// ]]></setup>
/// <code><![CDATA[
/// $s = Import-LlmChatSession ./ada.json
/// Invoke-LlmChat 'What is my name?' -Session $s
/// ]]></code>
/// <para>
/// Reads the session saved in ada.json and continues it with the default client: the saved system message and history
/// are sent with the new prompt.
/// </para>
/// </example>
/// <example title="import with a client">
/// <setup><![CDATA[
/// New-LlmChatSession -System 'You are terse.' | Export-LlmChatSession ./ada.json
/// ]]></setup>
/// <code><![CDATA[
/// $c = New-LlmClient -Endpoint http://localhost:11434/v1 -Model llama3.2
/// $s = Import-LlmChatSession -Path ./ada.json -Client $c
/// $s | Format-List Id, Model, System, TurnCount, CreatedAt, UpdatedAt
/// ]]></code>
/// <para>
/// The imported session's chats use the Ollama client. The file's model, if it has one, still takes precedence over the
/// client's model.
/// </para>
/// </example>
/// <example title="import every saved session">
/// <setup><![CDATA[
/// $null = New-Item -ItemType Directory ./sessions
/// 1..3 | ForEach-Object { New-LlmChatSession | Export-LlmChatSession "./sessions/chat$_.json" }
/// ]]></setup>
/// <code><![CDATA[
/// Get-ChildItem ./sessions -Filter *.json | Import-LlmChatSession | Sort-Object UpdatedAt
/// ]]></code>
/// <para>
/// Get-ChildItem output binds to -Path by its FullName. A file that cannot be read writes an error and the others are
/// still imported.
/// </para>
/// </example>
/// <example title="resume a chat at the console">
/// <setup><![CDATA[
/// New-LlmChatSession -System 'You are terse.' | Export-LlmChatSession ./ada.json
/// ]]></setup>
/// <code><![CDATA[
/// Import-LlmChatSession ./ada.json | Start-LlmChat
/// ]]></code>
/// <para>Starts an interactive chat that continues the saved conversation.</para>
/// </example>
[Cmdlet(VerbsData.Import, "LlmChatSession")]
[OutputType(typeof(ChatSession))]
public sealed class ImportLlmChatSessionCommand : PSCmdlet
{
    /// <summary>
    /// <para>
    /// The session file to read. A relative path is relative to the current PowerShell location; ~ and file system
    /// drives work. The path is taken literally (no wildcards).
    /// </para>
    /// <para>
    /// Strings bind from the pipeline by value, and the output of Get-ChildItem binds by property name (FullName,
    /// PSPath), so Get-ChildItem *.json | Import-LlmChatSession imports every file.
    /// </para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("FullName", "PSPath", "LiteralPath")]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// The client the session's chats use, as made by New-LlmClient. It becomes the session's Client property.
    /// </summary>
    /// <value>None (the default client at the time of each chat)</value>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>Reads each file piped in; an unreadable one is an error and the others still load.</summary>
    protected override void ProcessRecord()
    {
        var path = ChatSessionFiles.Resolve(this, Path, out var error);
        var session = path is null ? null : ChatSessionFiles.Import(path, out error);
        if (session is null)
        {
            WriteError(error!);
            return;
        }
        session.Client = Client;
        WriteObject(session);
    }
}
