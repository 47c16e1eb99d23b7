using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// Logs every chat of this session to a SQLite database: prompts, responses, usage, timings, tool calls and errors.
/// </summary>
/// <remarks>
/// <para>
/// Enable-LlmLog registers one session-wide callback handler (listed by Get-LlmCallback as LlmLog) that records every
/// run in a SQLite database, the way the llm tool keeps logs.db: the chain run of each Invoke-LlmChat or
/// Invoke-LlmChain, every model call (messages sent, response, model, endpoint host, tags, metadata, usage, duration,
/// time to first token, finish reason, tool calls) and every tool run (arguments, output, error), each linked to its
/// parent run.
/// </para>
/// <para>
/// The database is created with its folder on first use. Default: $env:PSLLM_LOG_PATH, else logs.db in a PsLlm folder
/// under the local application data folder (~/.local/share/PsLlm/logs.db on Linux, or under $XDG_DATA_HOME when set;
/// ~/Library/Application Support/PsLlm/logs.db on macOS, %LOCALAPPDATA%\PsLlm\logs.db on Windows). It uses WAL mode and
/// a busy timeout, so several sessions and processes can log to, and read, the same file.
/// </para>
/// <para>
/// Writes happen on a background thread and never slow or break a chat. When 1,024 finished runs are already waiting to
/// be written (a slow disk, or a lock held by another process), new runs are dropped rather than waited for; Get-LlmLog
/// and Disable-LlmLog warn when runs were dropped or failed to write, and the counts are on the handler and on
/// -PassThru's status object.
/// </para>
/// <para>
/// The API key, the Authorization header and other header values are never recorded; of the endpoint only the host and
/// port are. A database written by a newer PsLlm is refused (LlmLogTooNew) and left unchanged; an older one is migrated
/// in place.
/// </para>
/// <para>
/// Enabling again with the same path does nothing; with another path, the new log replaces the old one after the old
/// one has written what it holds.
/// </para>
/// </remarks>
/// <input type="None">
/// </input>
/// <output type="PsLlm.LlmLogStatus">With -PassThru: the log's path, state, schema version and counts.</output>
/// <example title="log every chat, then read it back">
/// <code><![CDATA[
/// Enable-LlmLog
/// Invoke-LlmChat 'Name three owls.' | Out-Null
/// Get-LlmLog -Last 1
/// ]]></code>
/// <para>Starts logging to the default database, chats, and reads the chat back.</para>
/// </example>
/// <example title="a log per project">
/// <code><![CDATA[
/// Enable-LlmLog -Path ./project.db -PassThru
/// ]]></code>
/// <para>
/// Logs this session's chats to project.db in the current folder and shows where the log is and its schema version.
/// </para>
/// </example>
/// <example title="a default location of your own">
/// <code><![CDATA[
/// $env:PSLLM_LOG_PATH = Join-Path $HOME logs/llm.db
/// Enable-LlmLog
/// ]]></code>
/// <para>
/// Uses the environment variable as the default location (also for Get-LlmLog, Get-LlmUsage and Set-LlmPrice). Give it
/// a full path: ~ is not expanded there, and a relative path is taken from the process's working folder, not the
/// current PowerShell location.
/// </para>
/// </example>
[Cmdlet(VerbsLifecycle.Enable, "LlmLog")]
[OutputType(typeof(LlmLogStatus))]
public sealed class EnableLlmLogCommand : PSCmdlet
{
    private static readonly string[] AllEvents = ["*"];

    /// <summary>
    /// The database file. A relative path is resolved from the current location. The file and its folder are created
    /// when missing. Default: $env:PSLLM_LOG_PATH, else logs.db under the user's local application data folder.
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    /// <summary>
    /// Writes a PsLlm.LlmLogStatus object: the path, whether the log is enabled, the schema version and the counts of
    /// runs written, dropped and failed.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Starts (or keeps) the session's one log, once for the whole pipeline.</summary>
    protected override void EndProcessing()
    {
        var state = ModuleState.Current;
        var log = state.Log;
        string? path = null;
        try
        {
            path = FileSystemPath.ResolveLog(this, Path) ?? LlmLog.DefaultPath;
            if (log.IsWritingTo(path) && state.Registrations.Any(r => ReferenceEquals(r.Handler, log.Writer)))
            {
                WriteVerbose($"Already logging to {log.Status!.Path}.");
            }
            else
            {
                // One log per session: a new path replaces the old log (after writing what it still holds).
                var previous = log.Writer;
                var writer = log.Start(path, WriteWarning);
                if (previous is not null) state.RemoveHandler(previous);
                state.Add(id => new CallbackRegistration { Id = id, Name = writer.Name, EventName = AllEvents, Handler = writer });
                WriteVerbose($"Logging chats to {log.Status!.Path} (schema version {log.Status.SchemaVersion}).");
            }
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, path ?? Path));
        }
        if (PassThru) WriteObject(log.Status);
    }
}
