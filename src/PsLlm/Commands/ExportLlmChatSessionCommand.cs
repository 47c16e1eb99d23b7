using System.Management.Automation;
using PsLlm.Sessions;

namespace PsLlm.Commands;

/// <summary>
/// Saves a conversation to a JSON file (history, system message, limits; never the client or its key).
/// </summary>
/// <remarks>
/// <para>
/// The Export-LlmChatSession cmdlet writes a PsLlm.ChatSession to a versioned JSON file that Import-LlmChatSession
/// reads back: the session's Id, creation and update times, model, system message, MaxHistory and MaxTokens, and every
/// message of its history, including tool calls and tool results.
/// </para>
/// <para>
/// The session's client is not saved at all: no API key, header, endpoint or other credential ever reaches the file.
/// The token usage is not saved either. The importer names a client, or the default client applies.
/// </para>
/// <para>
/// The file is written atomically: into a temporary file in the same folder, flushed to disk, then moved over the
/// target, so a crash leaves either the old file or the new one. An existing file is replaced unless -NoClobber is
/// given. The folder must exist.
/// </para>
/// <para>
/// The file is UTF-8 JSON (no BOM, two-space indent): {"format": "psllm.chat-session", "version": 1, "id", "createdAt",
/// "updatedAt" (ISO 8601, UTC), "model", "system", "maxHistory", "maxTokens" (each null when not set), "messages":
/// [...]}. Each message has "role" (user, assistant or tool) and "content"; an assistant message that called tools has
/// "toolCalls" (id, name, arguments), and a tool result has "toolCallId" and "name". Unknown properties are ignored
/// when reading.
/// </para>
/// </remarks>
/// <input type="PsLlm.ChatSession">The session to save (-Session), by value.</input>
/// <output type="None">By default, the cmdlet writes nothing.</output>
/// <output type="PsLlm.ChatSession">With -PassThru, the session that was saved.</output>
/// <notes>
/// <para>
/// Error ids: LlmSessionFileExists (-NoClobber and the file exists; ResourceExists), LlmSessionFilePathInvalid (not a
/// file system path; InvalidArgument), LlmSessionFileWriteFailed (the file could not be written, for example because
/// the folder does not exist or access is denied; WriteError). All are non-terminating.
/// </para>
/// <para>Start-LlmChat's /save &lt;path&gt; command writes the same file.</para>
/// <para>
/// The file is UTF-8 JSON (no BOM, two-space indent): {"format": "psllm.chat-session", "version": 1, "id", "createdAt",
/// "updatedAt" (ISO 8601, UTC), "model", "system", "maxHistory", "maxTokens" (each null when not set), "messages":
/// [...]}. Each message has "role" (user, assistant or tool) and "content"; an assistant message that called tools has
/// "toolCalls" (id, name, arguments), and a tool result has "toolCallId" and "name". Unknown properties are ignored
/// when reading.
/// </para>
/// </notes>
/// <parameter name="WhatIf">Shows the file that would be written, without writing it.</parameter>
/// <parameter name="Confirm">Asks for confirmation before writing the file. The cmdlet's ConfirmImpact is Low.</parameter>
/// <example title="save a conversation">
/// <code><![CDATA[
/// $s = New-LlmChatSession -System 'You are terse.'
/// Invoke-LlmChat 'My name is Ada.' -Session $s | Out-Null
/// $s | Export-LlmChatSession -Path ./ada.json
/// Get-Content ./ada.json
/// ]]></code>
/// <para>
/// Saves the session to ada.json in the current folder and shows the file: format, version, id, times, model, system,
/// limits and the two messages of the turn.
/// </para>
/// </example>
/// <example title="keep an existing file">
/// <code><![CDATA[
/// $s = New-LlmChatSession
/// Export-LlmChatSession -Session $s -Path ./chat.json -NoClobber -ErrorAction SilentlyContinue -ErrorVariable err
/// if ($err) { "Not saved: $($err[0].FullyQualifiedErrorId)" }
/// ]]></code>
/// <para>
/// Writes chat.json only when it does not exist yet; otherwise the error LlmSessionFileExists is collected in $err and
/// the file stays as it was.
/// </para>
/// </example>
/// <example title="save and go on chatting">
/// <code><![CDATA[
/// $s = New-LlmChatSession
/// $s = $s | Export-LlmChatSession ~/chat-backup.json -PassThru
/// Invoke-LlmChat 'Hello' -Session $s
/// ]]></code>
/// <para>-PassThru writes the session after saving it, so the command can sit in the middle of a pipeline.</para>
/// </example>
[Cmdlet(VerbsData.Export, "LlmChatSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ChatSession))]
public sealed class ExportLlmChatSessionCommand : PSCmdlet
{
    /// <summary>
    /// The session to save, as made by New-LlmChatSession, Import-LlmChatSession or Start-LlmChat -PassThru, or the
    /// Session property of a ChatResponse. It can be piped.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ChatSession Session { get; set; } = null!;

    /// <summary>
    /// The file to write. A relative path is relative to the current PowerShell location; ~ and file system drives
    /// work. The path is taken literally (no wildcards). It must be a file system path; other providers fail with the
    /// error id LlmSessionFilePathInvalid.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath", "FilePath")]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// Do not replace an existing file. When the file exists, nothing is written and the error id is
    /// LlmSessionFileExists (category ResourceExists).
    /// </summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Writes the session to the pipeline after saving it. Without it the cmdlet writes nothing.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Saves each session piped in.</summary>
    protected override void ProcessRecord()
    {
        var path = ChatSessionFiles.Resolve(this, Path, out var error);
        if (path is null)
        {
            WriteError(error!);
            return;
        }
        if (!ShouldProcess(path, "Export chat session")) return;
        error = ChatSessionFiles.Export(Session, path, NoClobber);
        if (error is not null) WriteError(error);
        else if (PassThru) WriteObject(Session);
    }
}
