namespace PsLlm;

/// <summary>
/// A file or image sent with a prompt (Invoke-LlmChat -Attachment, Start-LlmChat's /attach): an
/// image as an image part (by its URL, or a local file embedded as a data URI), a text file as a
/// text part with its name. Kept with the prompt in a session's history.
/// </summary>
public sealed class ChatAttachment
{
    /// <summary>Text or Image.</summary>
    public ChatAttachmentKind Kind { get; init; }
    /// <summary>The file's name, or the image's URL.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The media type, e.g. image/png or text/plain.</summary>
    public string MediaType { get; init; } = string.Empty;
    /// <summary>An image's URL: an https address, or a data: URI holding a local file.</summary>
    public string? Url { get; init; }
    /// <summary>A text file's content.</summary>
    public string? Text { get; init; }
    /// <summary>The file's size in bytes; 0 for an image given by URL.</summary>
    public long Length { get; init; }

    /// <summary>The name and the media type, e.g. "chart.png (image/png)".</summary>
    public override string ToString() => $"{Name} ({MediaType})";
}

/// <summary>What an attachment is sent as.</summary>
public enum ChatAttachmentKind
{
    /// <summary>A text part holding the file's name and content.</summary>
    Text,
    /// <summary>An image part (image_url).</summary>
    Image,
}
