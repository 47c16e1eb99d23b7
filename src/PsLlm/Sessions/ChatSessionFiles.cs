using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Sessions;

/// <summary>
/// Session files as the cmdlets see them (Export-/Import-LlmChatSession and Start-LlmChat's /save):
/// PowerShell paths resolved against the current location, and every failure turned into an
/// ErrorRecord with a stable id, so callers only decide whether to write it.
/// </summary>
internal static class ChatSessionFiles
{
    /// <summary>The file system path for a PowerShell path (relative, ~, PSDrive), or null and an error.</summary>
    public static string? Resolve(PSCmdlet cmdlet, string path, out ErrorRecord? error)
    {
        error = null;
        try
        {
            return FileSystemPath.Resolve(cmdlet, path, "LlmSessionFilePathInvalid", "session files are files");
        }
        catch (LlmException invalid)
        {
            error = LlmErrorRecords.From(invalid, path);
            return null;
        }
    }

    /// <summary>Writes the session file (atomically); null on success, else the error to report.</summary>
    public static ErrorRecord? Export(ChatSession session, string path, bool noClobber)
    {
        if (noClobber && File.Exists(path)) return Exists(path);
        try
        {
            ChatSessionFile.Write(session, path, overwrite: !noClobber);
            return null;
        }
        catch (IOException) when (noClobber && File.Exists(path))
        {
            return Exists(path); // created by someone else since the check
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return Failed(e, "LlmSessionFileWriteFailed", ErrorCategory.WriteError, $"The session could not be saved to '{path}': {e.Message}", path);
        }
    }

    /// <summary>Reads a session file into a new session; null and an error when it cannot.</summary>
    public static ChatSession? Import(string path, out ErrorRecord? error)
    {
        error = null;
        try
        {
            return ChatSessionFile.Read(path);
        }
        catch (LlmException e)
        {
            error = LlmErrorRecords.From(e, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = Failed(e, "LlmSessionFileReadFailed", ErrorCategory.ReadError, $"The session file '{path}' could not be read: {e.Message}", path);
        }
        return null;
    }

    private static ErrorRecord Exists(string path) =>
        new(new IOException($"The file '{path}' already exists; -NoClobber keeps existing files."), "LlmSessionFileExists", ErrorCategory.ResourceExists, path);

    private static ErrorRecord Failed(Exception e, string id, ErrorCategory category, string message, string path) =>
        new(e, id, category, path) { ErrorDetails = new ErrorDetails(message) };
}
