using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// The <c>/_admin</c> endpoints that let an out-of-process test (Pester) script replies and inspect
/// requests over HTTP, mirroring <see cref="FakeOpenAIServer.Enqueue"/>, <see cref="FakeOpenAIServer.Requests"/>
/// and <see cref="FakeOpenAIServer.Reset"/>.
/// </summary>
internal sealed class AdminApi(FakeOpenAIServer server)
{
    private static readonly JsonSerializerOptions ReplyJson = new(JsonSerializerDefaults.Web);

    public async Task HandleAsync(HttpContext context, string path, string body, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        switch (path.ToLowerInvariant())
        {
            case "/_admin/replies" when HttpMethods.IsPost(method):
                List<FakeReply> replies;
                try
                {
                    replies = ParseReplies(body);
                }
                catch (JsonException ex)
                {
                    await context.Response.WriteJsonAsync(400, OpenAIError.Create(400, $"Invalid FakeReply JSON: {ex.Message}"), cancellationToken);
                    return;
                }

                foreach (var reply in replies)
                {
                    server.Enqueue(reply);
                }

                context.Response.StatusCode = 204;
                return;

            case "/_admin/requests" when HttpMethods.IsGet(method):
                var list = new JsonArray(server.Requests.Select(r => (JsonNode)new JsonObject
                {
                    ["method"] = r.Method,
                    ["path"] = r.Path,
                    ["headers"] = new JsonObject(r.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
                    ["body"] = r.Body,
                    ["stream"] = r.Stream,
                    ["receivedAt"] = r.ReceivedAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                }).ToArray());
                await context.Response.WriteJsonAsync(200, list, cancellationToken);
                return;

            case "/_admin/batches" when HttpMethods.IsPost(method):
                // {"holdAt": "in_progress", "failCustomIds": ["2"], "failStatus": 400}: how the next batches behave.
                var batchSettings = JsonNode.Parse(body.Length == 0 ? "{}" : body) as JsonObject ?? new JsonObject();
                server.BatchSettings = new BatchSettings
                {
                    HoldAt = (string?)batchSettings["holdAt"],
                    FailCustomIds = new HashSet<string>((batchSettings["failCustomIds"] as JsonArray)?.Select(v => v?.ToString() ?? string.Empty) ?? [], StringComparer.Ordinal),
                    FailStatus = (int?)batchSettings["failStatus"] ?? 400,
                };
                context.Response.StatusCode = 204;
                return;

            case "/_admin/stats" when HttpMethods.IsGet(method):
                // {"mostChatsInFlight": n}: how many chat requests overlapped at most since the last reset.
                await context.Response.WriteJsonAsync(200, new JsonObject { ["mostChatsInFlight"] = server.MostChatsInFlight }, cancellationToken);
                return;

            case "/_admin/models" when HttpMethods.IsPost(method):
                // {"status": 200, "body": <what /v1/models answers>, "delayMs": 0}
                var answer = JsonNode.Parse(body)?.AsObject() ?? throw new JsonException("Body is null.");
                server.ModelsAnswer = new ModelsAnswer(
                    (int?)answer["status"] ?? 200,
                    answer["body"]?.DeepClone() ?? new JsonObject(),
                    (int?)answer["delayMs"] ?? 0);
                context.Response.StatusCode = 204;
                return;

            case "/_admin/proxy":
                // POST {"user": "…", "password": "…"} requires those credentials (none: any request passes).
                var proxy = server.Proxy();
                if (HttpMethods.IsPost(method))
                {
                    var settings = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)?.AsObject() ?? new JsonObject();
                    proxy.RequireCredentials((string?)settings["user"], (string?)settings["password"]);
                }
                await context.Response.WriteJsonAsync(200, new JsonObject
                {
                    ["uri"] = proxy.Uri.ToString(),
                    ["host"] = FakeOpenAIServer.ProxiedHost,
                    ["requests"] = new JsonArray(proxy.Requests.Select(r => (JsonNode)new JsonObject
                    {
                        ["method"] = r.Method,
                        ["target"] = r.Target,
                        ["hadCredentials"] = r.HadCredentials,
                        ["admitted"] = r.Admitted,
                    }).ToArray()),
                }, cancellationToken);
                return;

            case "/_admin/reset" when HttpMethods.IsPost(method):
                server.Reset();
                context.Response.StatusCode = 204;
                return;

            default:
                await context.Response.WriteJsonAsync(404, OpenAIError.Create(404, $"Unknown admin endpoint {method} {path}."), cancellationToken);
                return;
        }
    }

    private static List<FakeReply> ParseReplies(string body)
    {
        var node = JsonNode.Parse(body) ?? throw new JsonException("Body is null.");
        var items = node is JsonArray array ? array.ToList() : [node];
        return items
            .Select(item => item?.Deserialize<FakeReply>(ReplyJson) ?? throw new JsonException("A reply is null."))
            .ToList();
    }
}
