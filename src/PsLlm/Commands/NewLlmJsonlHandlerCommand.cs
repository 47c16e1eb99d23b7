using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Creates a handler that logs events to a JSON Lines file, one JSON object per line, written in the background.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmJsonlHandler")]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmJsonlHandlerCommand : PSCmdlet
{
    /// <summary>The log file; relative to the current location. Lines are appended; the folder must exist.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath", "FilePath")]
    public string Path { get; set; } = string.Empty;

    /// <summary>Log only these events (names or *). Default: all.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] EventName { get; set; } = Array.Empty<string>();

    /// <summary>Leave out the text of prompts, answers, tokens, tool arguments and outputs; keep lengths, ids, usage and timings.</summary>
    [Parameter]
    public SwitchParameter ExcludeContent { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var path = FileSystemPath.Resolve(this, Path, "LlmLogPathInvalid", "the log is a file");
            WriteObject(BuiltInHandlers.Jsonl(path, EventName.Length == 0 ? null : EventName, ExcludeContent));
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, Path));
        }
    }
}
