using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Arguments;

/// <summary>
/// What users give to -Attachment and /attach, made into attachments: an http(s) or data: URL is an
/// image sent by reference; anything else is a path (relative to the current location, ~ and
/// PSDrives resolved) to a local image or text file.
/// </summary>
internal static class AttachmentArgument
{
    public static IReadOnlyList<ChatAttachment> ToAttachments(PSCmdlet cmdlet, IEnumerable<string>? values)
    {
        var attachments = new List<ChatAttachment>();
        foreach (var value in values ?? Array.Empty<string>())
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            attachments.Add(IsUrl(cmdlet, value, out var url)
                ? ChatAttachments.FromUrl(url)
                : ChatAttachments.FromFile(FileSystemPath.Resolve(cmdlet, value, "LlmAttachmentNotFound", "attachments are files or URLs")));
        }
        return attachments;
    }

    // http, https and data URLs are images by reference; another scheme:// (ftp, file) is a URL
    // that cannot be attached, said as such, unless it names a PSDrive (Temp:/notes.txt is a path).
    private static bool IsUrl(PSCmdlet cmdlet, string value, out Uri url)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out url!) || url.IsFile && !value.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return false;
        if (url.Scheme is "http" or "https" or "data") return true;
        var scheme = url.Scheme;
        return value.Contains("://", StringComparison.Ordinal) && cmdlet.SessionState.Drive.GetAll().All(d => !d.Name.Equals(scheme, StringComparison.OrdinalIgnoreCase));
    }
}
