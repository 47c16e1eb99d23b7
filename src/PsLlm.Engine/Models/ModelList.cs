using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;
using PsLlm.Engine.Wire;

namespace PsLlm.Engine.Models;

/// <summary>
/// Asks a client's server which models it offers: <c>GET {endpoint}/models</c> through the same
/// pipeline as its chats (key, headers, proxy, retries, timeout), read by <see cref="ModelListJson"/>.
/// </summary>
internal static class ModelList
{
    /// <summary>Anthropic pages its list (20 by default); a bound keeps a misbehaving server from looping.</summary>
    private const int MaxPages = 50;

    public static IReadOnlyList<LlmModel> Get(LlmClient client, CancellationToken cancellationToken)
    {
        ChatRequestValidator.ValidateClient(client);
        var connection = LlmConnection.For(client);
        var shown = EndpointRules.Display(client.Endpoint);
        var models = new List<LlmModel>();
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var read = GetPage(connection, client.Endpoint, shown, after, cancellationToken);
            if (read.Error is { } error)
                throw Unavailable(shown, $"it answered: {connection.Redactor.Redact(error)}", null);
            models.AddRange(read.Models);
            if (read.NextAfterId is not { Length: > 0 } next || next == after) break;
            after = next;
        }
        return models;
    }

    private static ModelListJson.Page GetPage(LlmConnection connection, Uri endpoint, string shown, string? after, CancellationToken cancellationToken)
    {
        var pipeline = connection.Chat.Pipeline;
        using var message = pipeline.CreateMessage();
        message.Request.Method = "GET";
        message.Request.Uri = ListUri(endpoint, after);
        message.Request.Headers.Set("Accept", "application/json");
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        try
        {
            pipeline.Send(message);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw LlmErrorMapper.Map(error, string.Empty, string.Empty, connection.Redactor);
        }
        var response = message.Response!;
        // Servers from before their models list (Ollama before 0.1.49, llama.cpp before b1561) answer 404, some in plain text.
        if (response.Status is 404 or 405) throw Unavailable(shown, $"HTTP {response.Status} for /models", response.Status);
        if (response.IsError) throw LlmErrorMapper.Map(new ClientResultException(response), string.Empty, string.Empty, connection.Redactor);
        try
        {
            return ModelListJson.Read(response.Content, shown);
        }
        catch (JsonException invalid)
        {
            throw new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidResponse",
                $"The models list of {shown} could not be read: {invalid.Message}", invalid);
        }
    }

    private static LlmException Unavailable(string shown, string why, int? status) =>
        new(LlmErrorKind.NotFound, "LlmModelListUnavailable", $"The server at {shown} does not list its models ({why}).")
        {
            StatusCode = status,
            RecommendedAction = "Give the model's name with -Model; the server's documentation says which it serves.",
        };

    /// <summary>The endpoint's path with /models after it; its query, if any, stays; a later page asks after the last id.</summary>
    private static Uri ListUri(Uri endpoint, string? after)
    {
        var builder = new UriBuilder(endpoint) { Path = endpoint.AbsolutePath.TrimEnd('/') + "/models" };
        if (after is not null)
        {
            var query = builder.Query.TrimStart('?');
            builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + "limit=1000&after_id=" + Uri.EscapeDataString(after);
        }
        return builder.Uri;
    }
}
