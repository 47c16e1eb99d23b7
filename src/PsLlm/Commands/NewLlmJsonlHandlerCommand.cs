using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// Creates a handler that logs events to a JSON Lines file, one JSON object per line, written in the background.
/// </summary>
/// <remarks>
/// <para>
/// The New-LlmJsonlHandler cmdlet creates a PsLlm.Engine.Observability.JsonlHandler, a PsLlm.CallbackHandler that
/// appends one line of JSON per event to a file: eventName, runId, parentRunId, tags, metadata, timestamp (ISO 8601,
/// UTC) and the event's own fields (messages, invocation parameters, token and index, the response with text, model,
/// finish reason, usage, ids and durations in milliseconds, errors with their id, kind and status code, tool calls).
/// </para>
/// <para>
/// The line is built on the chat's thread and written by a background worker, so a slow or failing disk never slows or
/// breaks the chat. At most 10,000 lines wait; when that many are waiting, new lines are dropped and counted in the
/// Dropped property (the chat never waits). Lines that could not be written are counted in Failed, with the reason in
/// LastError. Written counts the lines written; Flush([timespan]) waits until the queued lines are written. Lines still
/// queued when PowerShell exits are written first, for up to two seconds.
/// </para>
/// <para>
/// Each line, with its line break, is written with one append write to a file opened in append mode by the operating
/// system (O_APPEND on Linux and macOS, append-only access on Windows). A crash never leaves half a line, and several
/// PowerShell sessions and processes can log to the same file: their lines interleave, but never within a line. The
/// file is open only while lines are being written, so it can be rotated between chats.
/// </para>
/// <para>Credentials are never logged: events carry no API key or header values.</para>
/// </remarks>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="PsLlm.CallbackHandler">
/// A PsLlm.Engine.Observability.JsonlHandler with the properties Path, EventName, ExcludeContent, Capacity, Written,
/// Dropped, Failed, Pending and LastError, and the methods Flush([timespan]) and Dispose().
/// </output>
/// <notes>
/// Read the log with Get-Content -Path &lt;file&gt; | ConvertFrom-Json. Durations are in milliseconds (durationMs,
/// timeToFirstTokenMs, elapsedMs, delayMs). Metadata values that are numbers, booleans or strings stay JSON values;
/// arrays and hashtables become JSON arrays and objects; anything else is written as its string form.
/// </notes>
/// <example title="log every chat of the session">
/// <code><![CDATA[
/// $log = New-LlmJsonlHandler -Path ./llm.jsonl
/// Register-LlmCallback -Handler $log -Name jsonl
/// Invoke-LlmChat 'Name three PowerShell verbs.' -Tag demo
/// $null = $log.Flush([timespan]::FromSeconds(5))
/// Get-Content ./llm.jsonl | ConvertFrom-Json | Format-Table eventName, runId, timestamp
/// ]]></code>
/// <para>Logs every event of every chat in the session to llm.jsonl and shows the events of the chat.</para>
/// </example>
/// <example title="usage and timings only, without content">
/// <code><![CDATA[
/// $log = New-LlmJsonlHandler -Path ./usage.jsonl -EventName LlmEnd, LlmError -ExcludeContent
/// $client = New-LlmClient -Callback $log
/// Invoke-LlmChat 'Summarize the meeting notes.' -Client $client
/// Get-Content ./usage.jsonl | ConvertFrom-Json | ForEach-Object { $_.response.usage }
/// ]]></code>
/// <para>
/// Logs only the end (or failure) of each model call of that client, with token usage, model, finish reason and
/// durations but no prompt or answer text.
/// </para>
/// </example>
/// <example title="check for drops and failures">
/// <code><![CDATA[
/// '{0} written, {1} dropped, {2} failed {3}' -f $log.Written, $log.Dropped, $log.Failed, $log.LastError
/// ]]></code>
/// <para>
/// Shows the counters of the handler from Example 1; Dropped grows only when more than 10,000 lines wait for the disk.
/// </para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmJsonlHandler")]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmJsonlHandlerCommand : PSCmdlet
{
    /// <summary>
    /// The log file, relative to the current location. Lines are appended; the file is created if needed, but its
    /// folder must exist. A missing folder is a terminating error with the id LlmLogFolderNotFound; a path that is a
    /// folder or not on the file system, LlmLogPathInvalid; a file that cannot be written, LlmLogFileNotWritable.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath", "FilePath")]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// Log only these events (ChainStart, LlmNewToken, LlmEnd, …, or * for all). Asking for LlmStart but not
    /// ChatModelStart logs LlmStart lines with the prompts as text, as LangChain does. An unknown name is a terminating
    /// error with the id LlmUnknownEventName.
    /// </summary>
    /// <value>All events</value>
    [Parameter]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] EventName { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Leave out the text of prompts, messages, answers, tokens, tool arguments and outputs, writing only their lengths
    /// (textLength, tokenLength, contentLength, …). Ids, tags, metadata, usage, finish reasons, errors and timings are
    /// kept.
    /// </summary>
    [Parameter]
    public SwitchParameter ExcludeContent { get; set; }

    /// <summary>Checks the file now, so a wrong path fails here and not in the background.</summary>
    protected override void ProcessRecord()
    {
        try
        {
            var path = FileSystemPath.ResolveLog(this, Path)!;
            WriteObject(BuiltInHandlers.Jsonl(path, EventName.Length == 0 ? null : EventName, ExcludeContent));
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, Path));
        }
    }
}
