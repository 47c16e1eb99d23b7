using System.Management.Automation;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Observability;

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
            var names = EventName.Length == 0 ? null : EventNameParser.Parse(EventName);
            var path = ResolveFile(Path);
            WriteObject(new JsonlHandler(path, names, ExcludeContent));
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, Path));
        }
    }

    /// <summary>The file system path, checked now so a wrong path fails here rather than silently in the background.</summary>
    private string ResolveFile(string path)
    {
        string resolved;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.Name != "FileSystem") throw Invalid("LlmLogPathInvalid", $"'{path}' is not a file system path ({provider.Name}); the log is a file.");
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException
                                      or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            throw Invalid("LlmLogPathInvalid", $"'{path}' is not a valid file path: {e.Message}");
        }
        if (Directory.Exists(resolved)) throw Invalid("LlmLogPathInvalid", $"'{resolved}' is a folder; give a file path, e.g. {System.IO.Path.Combine(resolved, "llm.jsonl")}.");
        var folder = System.IO.Path.GetDirectoryName(resolved);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            throw Invalid("LlmLogFolderNotFound", $"The folder '{folder}' does not exist. Create it first (New-Item -ItemType Directory), or give a path in an existing folder.");
        try
        {
            // Creates the file and proves it can be written to, before any chat relies on it.
            new FileStream(resolved, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid("LlmLogFileNotWritable", $"The log file '{resolved}' cannot be written: {e.Message}");
        }
        return resolved;
    }

    private static LlmException Invalid(string errorId, string message) =>
        new(LlmErrorKind.InvalidInput, errorId, message) { ParameterName = "Path" };
}
