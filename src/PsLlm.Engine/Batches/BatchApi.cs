using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;

namespace PsLlm.Engine.Batches;

/// <summary>
/// The Batch API's requests, through a client's own pipeline (key, headers, proxy, retries, pace):
/// uploading the requests file (<c>POST /files</c>, purpose batch), creating, reading, listing and
/// cancelling batches (<c>/batches</c>), and downloading a file's content. OpenAI and Azure OpenAI
/// (v1 API) share these paths under the endpoint.
/// </summary>
internal sealed class BatchApi
{
    private readonly LlmClient _client;
    private readonly LlmConnection _connection;

    public BatchApi(LlmClient client)
    {
        ChatRequestValidator.ValidateClient(client);
        _client = client;
        _connection = LlmConnection.For(client);
    }

    /// <summary>Azure OpenAI's batches name the chat path without the version (/chat/completions); OpenAI's with it.</summary>
    public string ChatPath => _client.Endpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase) ? "/chat/completions" : "/v1/chat/completions";

    public SecretRedactor Redactor => _connection.Redactor;

    /// <summary>Uploads <paramref name="jsonl"/> as a batch input file; returns its id.</summary>
    public string Upload(byte[] jsonl, string fileName, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("batch"), "purpose");
        var file = new ByteArrayContent(jsonl);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", fileName);
        var body = form.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult();
        var answer = Send("POST", "files", BinaryContent.Create(BinaryData.FromBytes(body)), form.Headers.ContentType!.ToString(), cancellationToken);
        return (string?)answer["id"] ?? throw Unreadable("the uploaded file has no id", answer);
    }

    public JsonObject Create(string inputFileId, string completionWindow, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["input_file_id"] = inputFileId, ["endpoint"] = ChatPath, ["completion_window"] = completionWindow };
        if (metadata is { Count: > 0 }) request["metadata"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        return Send("POST", "batches", Json(request), "application/json", cancellationToken);
    }

    public JsonObject Get(string id, CancellationToken cancellationToken) => Send("GET", "batches/" + Uri.EscapeDataString(id), null, null, cancellationToken);

    public JsonObject List(int limit, string? after, CancellationToken cancellationToken) =>
        Send("GET", $"batches?limit={limit}" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after)), null, null, cancellationToken);

    public JsonObject Cancel(string id, CancellationToken cancellationToken) => Send("POST", $"batches/{Uri.EscapeDataString(id)}/cancel", null, null, cancellationToken);

    /// <summary>A file's content as text (the answers or errors of a batch, a JSON line each).</summary>
    public string Content(string fileId, CancellationToken cancellationToken)
    {
        using var message = Message("GET", $"files/{Uri.EscapeDataString(fileId)}/content", null, null, cancellationToken);
        return Encoding.UTF8.GetString(SendMessage(message, cancellationToken).Content.ToArray());
    }

    private JsonObject Send(string method, string path, BinaryContent? content, string? contentType, CancellationToken cancellationToken)
    {
        using var message = Message(method, path, content, contentType, cancellationToken);
        var response = SendMessage(message, cancellationToken);
        try
        {
            return JsonNode.Parse(response.Content.ToMemory().Span) as JsonObject ?? throw Unreadable("the answer is not a JSON object", null);
        }
        catch (JsonException invalid)
        {
            throw new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidResponse", $"The Batch API's answer could not be read: {invalid.Message}", invalid);
        }
    }

    private PipelineMessage Message(string method, string path, BinaryContent? content, string? contentType, CancellationToken cancellationToken)
    {
        var message = _connection.Chat.Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri = new Uri(_client.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + path);
        message.Request.Headers.Set("Accept", "application/json");
        if (content is not null)
        {
            message.Request.Content = content;
            message.Request.Headers.Set("Content-Type", contentType!);
        }
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        return message;
    }

    private PipelineResponse SendMessage(PipelineMessage message, CancellationToken cancellationToken)
    {
        try
        {
            _connection.Chat.Pipeline.Send(message);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw LlmErrorMapper.Map(error, string.Empty, string.Empty, _connection.Redactor);
        }
        var response = message.Response!;
        if (response.Status is 404 or 405 && message.Request.Uri!.AbsolutePath.EndsWith("/files", StringComparison.Ordinal))
            throw new LlmException(LlmErrorKind.NotFound, "LlmBatchUnavailable",
                $"The server at {EndpointRules.Display(_client.Endpoint)} has no Batch API (HTTP {response.Status} for /files).")
            { StatusCode = response.Status, RecommendedAction = "Use Invoke-LlmChat -ThrottleLimit instead: OpenAI and Azure OpenAI have batches; most other servers do not." };
        if (response.IsError) throw LlmErrorMapper.Map(new ClientResultException(response), string.Empty, string.Empty, _connection.Redactor);
        return response;
    }

    private static BinaryContent Json(JsonObject body) => BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));

    private LlmException Unreadable(string why, JsonNode? answer) =>
        new(LlmErrorKind.InvalidResponse, "LlmInvalidResponse", $"The Batch API's answer could not be used: {why}{(answer is null ? "." : ": " + _connection.Redactor.Redact(answer.ToJsonString()))}");
}
