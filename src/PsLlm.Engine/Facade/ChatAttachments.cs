using System.Text;

namespace PsLlm.Engine;

/// <summary>
/// Makes attachments from what users give: a local file (an image is embedded as a data URI with
/// the media type its bytes show, a text file is read as text) or an image's URL, sent by
/// reference. Checked here, before anything is sent: a missing file, an image over the size limit
/// or a binary file that is not an image fail with a clear error.
/// </summary>
public static class ChatAttachments
{
    /// <summary>The largest image sent (OpenAI's limit per image): 20 MB.</summary>
    public const long MaxImageBytes = 20L * 1024 * 1024;

    /// <summary>The largest text file sent: 2 MB, already far more than most models read at once.</summary>
    public const long MaxTextBytes = 2L * 1024 * 1024;

    private static readonly Dictionary<string, string> TextTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".md"] = "text/markdown", [".markdown"] = "text/markdown", [".csv"] = "text/csv", [".json"] = "application/json",
        [".xml"] = "application/xml", [".html"] = "text/html", [".htm"] = "text/html", [".yaml"] = "application/yaml", [".yml"] = "application/yaml",
    };

    private static readonly Dictionary<string, string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif", [".webp"] = "image/webp",
    };

    /// <summary>
    /// The file at <paramref name="path"/> (a file system path): an image (PNG, JPEG, GIF, WebP,
    /// recognized by its bytes) as a data URI, any other file as text when it is text.
    /// </summary>
    public static ChatAttachment FromFile(string path)
    {
        var file = new FileInfo(path);
        if (Directory.Exists(path)) throw Invalid("LlmAttachmentNotFound", $"'{path}' is a folder; attach the files in it (Get-ChildItem '{path}' -File | Invoke-LlmChat …).", LlmErrorKind.InvalidInput);
        if (!file.Exists) throw Invalid("LlmAttachmentNotFound", $"The file '{path}' does not exist.", LlmErrorKind.NotFound);
        var head = new byte[Math.Min(file.Length, 8192)];
        using (var stream = file.OpenRead()) stream.ReadExactly(head);

        if (ImageType(head) is { } imageType)
        {
            if (file.Length > MaxImageBytes)
                throw Invalid("LlmAttachmentTooLarge", $"The image '{file.Name}' has {Megabytes(file.Length)}; at most {Megabytes(MaxImageBytes)} can be sent. Make it smaller first.", LlmErrorKind.InvalidInput);
            return new ChatAttachment
            {
                Kind = ChatAttachmentKind.Image,
                Name = file.Name,
                MediaType = imageType,
                Url = $"data:{imageType};base64,{Convert.ToBase64String(File.ReadAllBytes(file.FullName))}",
                Length = file.Length,
            };
        }
        if (ImageExtensions.ContainsKey(file.Extension) || Array.IndexOf(head, (byte)0) >= 0 && !HasUnicodeBom(head))
            throw Invalid("LlmAttachmentNotSupported", $"'{file.Name}' is neither a PNG, JPEG, GIF or WebP image nor a text file; only those can be attached.", LlmErrorKind.InvalidInput);
        if (file.Length > MaxTextBytes)
            throw Invalid("LlmAttachmentTooLarge", $"The file '{file.Name}' has {Megabytes(file.Length)}; at most {Megabytes(MaxTextBytes)} of text can be sent. Send the part that matters.", LlmErrorKind.InvalidInput);
        using var reader = new StreamReader(file.FullName, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return new ChatAttachment
        {
            Kind = ChatAttachmentKind.Text,
            Name = file.Name,
            MediaType = TextTypes.TryGetValue(file.Extension, out var textType) ? textType : "text/plain",
            Text = reader.ReadToEnd(),
            Length = file.Length,
        };
    }

    /// <summary>An image the server fetches itself (an http or https URL), or a data: URI of an image.</summary>
    public static ChatAttachment FromUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme == "data")
        {
            var header = url.OriginalString.Split(',', 2)[0];
            if (!header.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
                throw Invalid("LlmAttachmentNotSupported", "A data: URI attachment must hold an image (data:image/png;base64,…).", LlmErrorKind.InvalidInput);
            return new ChatAttachment { Kind = ChatAttachmentKind.Image, Name = "data URI", MediaType = header[5..].Split(';')[0], Url = url.OriginalString };
        }
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            throw Invalid("LlmAttachmentNotSupported", $"'{url}' is not an http or https URL; give a local file by its path.", LlmErrorKind.InvalidInput);
        if (!string.IsNullOrEmpty(url.UserInfo))
            throw Invalid("LlmAttachmentNotSupported", "An attachment URL must not carry a user name or password: the server would receive them.", LlmErrorKind.InvalidInput);
        return new ChatAttachment
        {
            Kind = ChatAttachmentKind.Image,
            Name = url.ToString(),
            MediaType = ImageExtensions.TryGetValue(Path.GetExtension(url.AbsolutePath), out var type) ? type : "image/*",
            Url = url.ToString(),
        };
    }

    /// <summary>The media type an image's first bytes show (PNG, JPEG, GIF, WebP); null for anything else.</summary>
    private static string? ImageType(ReadOnlySpan<byte> head) => head switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    // UTF-16 text has NUL bytes; its byte order mark says it is text all the same.
    private static bool HasUnicodeBom(ReadOnlySpan<byte> head) => head is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..];

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.#} MB";

    private static LlmException Invalid(string errorId, string message, LlmErrorKind kind) =>
        new(kind, errorId, message) { ParameterName = "Attachment" };
}
