using System.Management.Automation;

namespace PsLlm.Arguments;

/// <summary>
/// The one way a -Path argument becomes a file system path: relative to the current location,
/// with ~ and PSDrives resolved; the file need not exist yet. Anything else (a path on another
/// provider such as Env:, a drive that does not exist, a malformed path) is InvalidInput with the
/// error id the caller gives, before anything is read or written.
/// </summary>
internal static class FileSystemPath
{
    /// <param name="cmdlet">The cmdlet whose current location relative paths start from.</param>
    /// <param name="path">The path as the user typed it.</param>
    /// <param name="errorId">The error id of a path that cannot be a file (e.g. LlmSessionFilePathInvalid).</param>
    /// <param name="whatItIs">What the file is, for the message: "session files are files".</param>
    public static string Resolve(PSCmdlet cmdlet, string path, string errorId, string whatItIs)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException
                                      or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            throw new LlmException(LlmErrorKind.InvalidInput, errorId, $"'{path}' is not a valid file path: {e.Message}", e) { ParameterName = "Path" };
        }
        if (provider.Name != "FileSystem")
            throw new LlmException(LlmErrorKind.InvalidInput, errorId, $"'{path}' is not a file system path ({provider.Name}); {whatItIs}.") { ParameterName = "Path" };
        return resolved;
    }

    /// <summary>A log file's -Path (SQLite or JSONL) as a file system path; null when none was given.</summary>
    public static string? ResolveLog(PSCmdlet cmdlet, string? path) =>
        path is null ? null : Resolve(cmdlet, path, "LlmLogPathInvalid", "the log is a file");
}
