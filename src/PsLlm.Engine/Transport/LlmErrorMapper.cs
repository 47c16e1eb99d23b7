using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace PsLlm.Engine.Transport;

/// <summary>
/// Turns what the SDK and the network throw into an <see cref="LlmException"/> with a kind the
/// cmdlets map to an ErrorCategory, a stable error id, the server's own message (redacted) and
/// the text that arrived before the failure.
/// </summary>
public static class LlmErrorMapper
{
    public static LlmException Map(Exception error, string model, string partialText, SecretRedactor redactor)
    {
        if (error is LlmException known) return known;

        if (error is ClientResultException { Status: > 0 } http)
            return FromStatus(http, model, partialText, redactor);

        var afterText = partialText.Length > 0 ? $" after {partialText.Length} characters of the answer" : string.Empty;
        if (Find<TimeoutException>(error) is not null || error is TaskCanceledException)
            return new LlmException(LlmErrorKind.Timeout, "LlmTimeout",
                $"The server did not answer in time{afterText}.", error)
            { PartialText = partialText, RecommendedAction = "Raise New-LlmClient -TimeoutSec, or try again." };

        if (Find<IOException>(error) is not null || Find<HttpRequestException>(error) is not null
            || Find<SocketException>(error) is not null || error is ClientResultException)
        {
            var detail = redactor.Redact(Innermost(error).Message);
            return new LlmException(LlmErrorKind.Connection, "LlmConnectionFailed",
                $"The connection to the server failed{afterText}: {detail}", error)
            { PartialText = partialText, RecommendedAction = "Check that the server is running and the endpoint is right." };
        }

        if (error is JsonException or FormatException or InvalidOperationException)
            return new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidResponse",
                $"The server's answer could not be read: {redactor.Redact(error.Message)}", error)
            { PartialText = partialText };

        return new LlmException(LlmErrorKind.Connection, "LlmRequestFailed",
            $"The request failed: {redactor.Redact(error.Message)}", error)
        { PartialText = partialText };
    }

    private static LlmException FromStatus(ClientResultException http, string model, string partialText, SecretRedactor redactor)
    {
        var status = http.Status;
        var response = http.GetRawResponse();
        var (serverMessage, serverCode) = ReadErrorBody(response?.Content?.ToString());
        serverMessage = redactor.Redact(serverMessage ?? response?.ReasonPhrase ?? string.Empty);
        TimeSpan? retryAfter = null;
        if (response is not null && response.Headers.TryGetValue("Retry-After", out var header))
            retryAfter = ParseRetryAfter(header ?? string.Empty);

        var (kind, id, what, remedy) = status switch
        {
            401 => (LlmErrorKind.Authentication, "LlmAuthenticationFailed", "The server rejected the credentials", "Check the API key (OPENAI_API_KEY or New-LlmClient -ApiKey)."),
            403 => (LlmErrorKind.PermissionDenied, "LlmPermissionDenied", "The key may not use this model or endpoint", "Check the key's project, organization and permissions."),
            404 => (LlmErrorKind.NotFound, "LlmModelNotFound", $"The model '{model}' or the endpoint was not found", "Check -Model and -Endpoint (Ollama: ollama pull <model>)."),
            429 => (LlmErrorKind.RateLimited, "LlmRateLimited", "The server is rate limiting requests", "Wait and try again, or raise New-LlmClient -MaxRetries."),
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
        };
    }

    /// <summary>Reads OpenAI's {"error":{"message":…,"code":…}} shape; other bodies are used as text.</summary>
    internal static (string? Message, string? Code) ReadErrorBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String) return (error.GetString(), null);
                if (error.ValueKind == JsonValueKind.Object)
                {
                    var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    var code = error.TryGetProperty("code", out var c) ? c.ValueKind switch
                    {
                        JsonValueKind.String => c.GetString(),
                        JsonValueKind.Number => c.GetRawText(),
                        _ => null,
                    } : null;
                    return (message, code);
                }
            }
        }
        catch (JsonException)
        {
        }
        return (body.Length > 500 ? body[..500] : body, null);
    }

    internal static TimeSpan? ParseRetryAfter(string value)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var wait = when - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

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
