using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Logs every chat of this session to a SQLite database: prompts, responses, usage, timings, tool calls, errors.</para>
/// <para type="description">Registers one session-wide handler (shown by Get-LlmCallback as LlmLog) that records each run —
/// the chat's chain run, every model call and every tool run, linked parent to child — in a SQLite database in WAL mode,
/// safe to share between sessions and processes. Writes happen on a background thread and never slow a chat; when more than
/// 1024 finished runs wait to be written, new ones are dropped and counted (Disable-LlmLog and Get-LlmLog warn).
/// The API key, Authorization and other header values are never recorded; of the endpoint only the host is.
/// Default file: $env:PSLLM_LOG_PATH, else logs.db in PsLlm's folder under the local application data folder
/// (~/.local/share/PsLlm/logs.db on Linux, %LOCALAPPDATA%\PsLlm\logs.db on Windows), created on first use.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "LlmLog")]
[OutputType(typeof(LlmLogStatus))]
public sealed class EnableLlmLogCommand : PSCmdlet
{
    private static readonly string[] AllEvents = ["*"];

    /// <summary>The database file; created with its folder when missing. Default: $env:PSLLM_LOG_PATH or the user's data folder.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string? Path { get; set; }

    /// <summary>Write the log's status (path, schema version, counts).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var state = ModuleState.Current;
        var log = state.Log;
        string? path = null;
        try
        {
            path = Path is null ? LlmLog.DefaultPath : FileSystemPath.Resolve(this, Path, "LlmLogPathInvalid", "the log is a file");
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
                state.Add(id => new CallbackRegistration(id, writer.Name, AllEvents, writer, client: null, raiseError: false, action: null));
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
