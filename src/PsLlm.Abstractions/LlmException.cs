namespace PsLlm;

/// <summary>
/// A failed chat run. Its message never contains credentials; what arrived before the failure is
/// kept in <see cref="PartialText"/> and <see cref="PartialResponse"/>.
/// </summary>
public class LlmException : Exception
{
    /// <summary>A failure of <paramref name="kind"/> with the stable id <paramref name="errorId"/>; <paramref name="message"/> must hold no secret.</summary>
    public LlmException(LlmErrorKind kind, string errorId, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorId = errorId;
    }

    /// <summary>What kind of failure it is; decides the ErrorRecord's category.</summary>
    public LlmErrorKind Kind { get; }
    /// <summary>A stable identifier, used as the FullyQualifiedErrorId's first part (e.g. LlmRateLimited).</summary>
    public string ErrorId { get; }
    /// <summary>HTTP status when the server answered.</summary>
    public int? StatusCode { get; init; }
    /// <summary>The server's error code, e.g. invalid_api_key.</summary>
    public string? ServerErrorCode { get; init; }
    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>The parameter or input at fault, for input errors.</summary>
    public string? ParameterName { get; init; }
    /// <summary>
    /// For an answer that was not what a chat server sends (an HTML error page from a proxy, plain
    /// text): the body as it came (its first 64 KB, secrets removed); the message quotes only its
    /// title or first line.
    /// </summary>
    public string? ResponseBody { get; init; }
    /// <summary>What the user can do about it.</summary>
    public string? RecommendedAction { get; init; }
    /// <summary>Text streamed before the failure (empty when none).</summary>
    public string PartialText { get; internal set; } = string.Empty;
    /// <summary>The response as far as it got, when the run had started.</summary>
    public ChatResponse? PartialResponse { get; internal set; }
}
