using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>Builds error bodies shaped like OpenAI's, so clients exercise their real error parsing.</summary>
internal static class OpenAIError
{
    public static JsonObject Create(int status, string? message = null, string? code = null, string? type = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message ?? DefaultMessage(status),
            ["type"] = type ?? DefaultType(status),
            ["param"] = null,
            ["code"] = code ?? DefaultCode(status),
        },
    };

    private static string DefaultType(int status) => status switch
    {
        429 => "requests",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string? DefaultCode(int status) => status switch
    {
        401 => "invalid_api_key",
        429 => "rate_limit_exceeded",
        _ => null,
    };

    private static string DefaultMessage(int status) => status switch
    {
        400 => "Invalid request (fake).",
        401 => "Incorrect API key provided (fake).",
        403 => "You are not allowed to sample from this model (fake).",
        404 => "The model or resource does not exist (fake).",
        429 => "Rate limit reached for requests (fake).",
        500 => "The server had an error while processing your request (fake).",
        502 => "Bad gateway (fake).",
        503 => "The engine is currently overloaded, please try again later (fake).",
        _ => $"Fake error {status}.",
    };
}
