namespace PsLlm;

/// <summary>
/// What a tool call may use of the chat running it: the call's cancellation (Ctrl+C) and the
/// command's verbose and progress streams. Call its methods on the thread that invoked the tool.
/// </summary>
public sealed class LlmToolContext
{
    private readonly Action<string>? _verbose;
    private readonly Action<string, string, int>? _progress;

    /// <summary>A context; the writers may be null (nothing is shown).</summary>
    /// <param name="cancellationToken">Cancelled when the chat is stopped.</param>
    /// <param name="verbose">Writes a verbose message.</param>
    /// <param name="progress">Writes a progress record: activity, status, percent complete (-1 when unknown, 100 when done).</param>
    public LlmToolContext(CancellationToken cancellationToken, Action<string>? verbose = null, Action<string, string, int>? progress = null)
    {
        CancellationToken = cancellationToken;
        _verbose = verbose;
        _progress = progress;
    }

    /// <summary>A context with nothing to report to and no cancellation.</summary>
    public static LlmToolContext None { get; } = new(CancellationToken.None);

    /// <summary>Cancelled when the chat is stopped (Ctrl+C): the tool should stop its work.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Writes a verbose message through the command running the chat.</summary>
    public void WriteVerbose(string message) => _verbose?.Invoke(message);

    /// <summary>Writes a progress record through the command running the chat (percent -1 when unknown; 100 completes it).</summary>
    public void WriteProgress(string activity, string status, int percentComplete) => _progress?.Invoke(activity, status, percentComplete);

    private List<ChatAttachment>? _images;

    /// <summary>
    /// Shows the model an image the tool produced: a tool result carries text only, so the chat
    /// sends the images of a round of tool calls in a user message after their results.
    /// </summary>
    /// <param name="name">What the image is, for the model and the transcript.</param>
    /// <param name="mediaType">image/png, image/jpeg, …</param>
    /// <param name="data">The image's bytes.</param>
    public void AttachImage(string name, string mediaType, byte[] data)
    {
        (_images ??= new List<ChatAttachment>()).Add(new ChatAttachment
        {
            Kind = ChatAttachmentKind.Image,
            Name = name,
            MediaType = mediaType,
            Url = $"data:{mediaType};base64,{Convert.ToBase64String(data)}",
            Length = data.Length,
        });
    }

    /// <summary>The images attached so far.</summary>
    internal IReadOnlyList<ChatAttachment> Images => _images ?? (IReadOnlyList<ChatAttachment>)Array.Empty<ChatAttachment>();
}
