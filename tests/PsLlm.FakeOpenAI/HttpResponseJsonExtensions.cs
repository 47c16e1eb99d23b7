using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PsLlm.FakeOpenAI;

/// <summary>Writes a whole JSON body with an explicit Content-Length, as OpenAI does for non-streamed replies.</summary>
internal static class HttpResponseJsonExtensions
{
    public static async Task WriteJsonAsync(
        this HttpResponse response,
        int status,
        JsonNode? body,
        CancellationToken cancellationToken,
        string contentType = "application/json")
    {
        var bytes = body is null ? [] : WireJson.SerializeToUtf8(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }
}
