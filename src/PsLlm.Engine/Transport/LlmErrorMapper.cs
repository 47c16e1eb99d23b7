using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using PsLlm.Engine.Wire;

namespace PsLlm.Engine.Transport;

/// <summary>
/// Turns what the SDK and the network throw into an <see cref="LlmException"/> with a kind the
/// cmdlets map to an ErrorCategory, a stable error id, the server's own message (redacted) and
/// the text that arrived before the failure. Network failures are Connection (or Timeout); an
/// answer that cannot be read is InvalidResponse; no raw .NET message reaches the user alone.
/// </summary>
internal static class LlmErrorMapper
{
    public static LlmException Map(Exception error, string model, string partialText, SecretRedactor redactor)
    {
        if (error is LlmException known) return known;

        if (error is ClientResultException { Status: > 0 } http)
            return FromStatus(http, model, partialText, redactor);

        var afterText = partialText.Length > 0 ? $" after {partialText.Length} characters of the answer" : string.Empty;
        // An https server behind a proxy: the tunnel (CONNECT) is refused before any request reaches the server.
        if (Find<HttpRequestException>(error) is { StatusCode: System.Net.HttpStatusCode.ProxyAuthenticationRequired })
            return new LlmException(LlmErrorKind.Authentication, "LlmProxyAuthenticationRequired",
                "The proxy rejected the connection (HTTP 407): it needs credentials.", error)
            { StatusCode = 407, PartialText = partialText, RecommendedAction = "Give New-LlmClient -ProxyCredential, or check the ones given." };
        if (IsTimeout(error))
            return new LlmException(LlmErrorKind.Timeout, "LlmTimeout",
                $"The server did not answer in time{afterText}{(Find<TimeoutException>(error) is { } timeout && !timeout.Message.StartsWith("The operation", StringComparison.Ordinal) ? ": " + timeout.Message : ".")}", error)
            { PartialText = partialText, RecommendedAction = "Raise New-LlmClient -TimeoutSec, or try again." };

        if (Find<IOException>(error) is not null || Find<HttpRequestException>(error) is not null
            || Find<SocketException>(error) is not null || error is ClientResultException)
        {
            var detail = redactor.Redact(Innermost(error).Message);
            return new LlmException(LlmErrorKind.Connection, "LlmConnectionFailed",
                $"The connection to the server failed{afterText}: {detail}", error)
            { PartialText = partialText, RecommendedAction = "Check that the server is running and the endpoint is right." };
        }

        // Anything else went wrong while reading the answer: a protocol failure, not the network's.
        return new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidResponse",
            $"The server's answer could not be read{afterText} ({error.GetType().Name}): {redactor.Redact(error.Message)}", error)
        { PartialText = partialText };
    }

    /// <summary>
    /// True for a timeout anywhere in the chain, also after retries (which gather their failures
    /// in an AggregateException): the SDK's network timeout, HttpClient's, or a stream's silence.
    /// </summary>
    public static bool IsTimeout(Exception error)
    {
        if (error is AggregateException many) return many.InnerExceptions.Count > 0 && many.InnerExceptions.All(IsTimeout);
        return Find<TimeoutException>(error) is not null || error is TaskCanceledException;
    }

    private static LlmException FromStatus(ClientResultException http, string model, string partialText, SecretRedactor redactor)
    {
        var response = http.GetRawResponse();
        return FromAnswer(http.Status, response?.Content?.ToMemory() ?? ReadOnlyMemory<byte>.Empty, response?.ReasonPhrase, RetryPolicy.ServerWait(response), model, partialText, redactor);
    }

    /// <summary>
    /// An error answer (<paramref name="status"/> with its <paramref name="body"/>) as the error a chat
    /// fails with: from a response, or from a batch item's recorded answer.
    /// </summary>
    public static LlmException FromAnswer(int status, ReadOnlyMemory<byte> body, string? reasonPhrase, TimeSpan? retryAfter, string model, string partialText, SecretRedactor redactor)
    {
        var serverError = body.IsEmpty ? null : CompletionJson.ReadError(body.Span);
        // Not JSON (a proxy's HTML page): its title or first line, with the whole body kept.
        var serverMessage = redactor.Redact(serverError?.Message ?? (body.IsEmpty ? reasonPhrase ?? string.Empty : BodyPreview.Describe(body.Span)));
        var serverCode = serverError?.Code;

        var (kind, id, what, remedy) = status switch
        {
            401 => (LlmErrorKind.Authentication, "LlmAuthenticationFailed", "The server rejected the credentials", "Check the API key (OPENAI_API_KEY or New-LlmClient -ApiKey)."),
            407 => (LlmErrorKind.Authentication, "LlmProxyAuthenticationRequired", "The proxy rejected the request: it needs credentials", "Give New-LlmClient -ProxyCredential, or check the ones given."),
            403 => (LlmErrorKind.PermissionDenied, "LlmPermissionDenied", "The key may not use this model or endpoint", "Check the key's project, organization and permissions."),
            404 => (LlmErrorKind.NotFound, "LlmModelNotFound", $"The model '{model}' or the endpoint was not found", "Check -Model and -Endpoint (Ollama: ollama pull <model>)."),
            429 => (LlmErrorKind.RateLimited, "LlmRateLimited", "The server is rate limiting requests", retryAfter is { } wait
                ? $"The server asked to wait {Describe(wait)}; try again then, or raise New-LlmClient -MaxRetryDelay to let PsLlm wait that long."
                : "Wait and try again, or raise New-LlmClient -MaxRetries."),
            >= 500 => (LlmErrorKind.ServerError, "LlmServerError", "The server failed", "Try again later."),
            _ => (LlmErrorKind.BadRequest, "LlmBadRequest", "The server rejected the request", "Check the parameters against what the server supports."),
        };
        var message = $"{what} (HTTP {status}{(serverCode is null ? string.Empty : ", " + serverCode)}): {serverMessage}".TrimEnd(' ', ':');
        // The SDK's exception quotes the raw response body, which may echo credentials; everything
        // useful from it is carried over (status, code, redacted message, Retry-After) instead.
        return new LlmException(kind, id, message)
        {
            StatusCode = status,
            ServerErrorCode = serverCode,
            RetryAfter = retryAfter,
            RecommendedAction = remedy,
            PartialText = partialText,
            ResponseBody = serverError is null && !body.IsEmpty
                ? redactor.Redact(System.Text.Encoding.UTF8.GetString(body.Length > BodyPreview.MaxKept ? body.Span[..BodyPreview.MaxKept] : body.Span))
                : null,
        };
    }

    private static string Describe(TimeSpan wait) =>
        wait.TotalHours >= 1 ? $"{wait.TotalHours:0.#} hours" : wait.TotalMinutes >= 1 ? $"{wait.TotalMinutes:0.#} minutes" : $"{wait.TotalSeconds:0.#} seconds";

    private static T? Find<T>(Exception? error) where T : Exception
    {
        for (; error is not null; error = error.InnerException)
            if (error is T match) return match;
        return null;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null) error = error.InnerException;
        return error;
    }
}
