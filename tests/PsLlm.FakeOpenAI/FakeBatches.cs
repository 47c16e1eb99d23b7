using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// OpenAI's Files and Batch APIs as the fake server answers them: <c>POST /v1/files</c> (multipart,
/// purpose batch), <c>GET /v1/files/{id}/content</c>, <c>POST /v1/batches</c>, <c>GET /v1/batches</c>
/// (newest first, paged with after/limit), <c>GET /v1/batches/{id}</c>, <c>POST /v1/batches/{id}/cancel</c>.
/// A batch moves one status each time it is read (validating, in_progress, finalizing, completed)
/// unless <see cref="BatchSettings.HoldAt"/> stops it; at completion each request line gets the
/// fake's default answer (an echo), or an error for the ids <see cref="BatchSettings.FailCustomIds"/>
/// names, in an answers file and an errors file shaped as OpenAI's.
/// </summary>
internal sealed class FakeBatches
{
    private static readonly string[] Steps = ["validating", "in_progress", "finalizing", "completed"];
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Name, string Purpose, string Content)> _files = new();
    private readonly List<JsonObject> _batches = new();
    private int _next;

    /// <summary>How the next batches behave (POST /_admin/batches).</summary>
    public BatchSettings Settings { get; set; } = new();

    public void Reset()
    {
        lock (_gate)
        {
            _files.Clear();
            _batches.Clear();
            Settings = new BatchSettings();
        }
    }

    /// <summary>Answers the request when it is one of these APIs; false otherwise.</summary>
    public async Task<bool> HandleAsync(HttpContext context, string path, string body, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // v1, files|batches, ...
        if (segments.Length < 2 || segments[0] != "v1" || segments[1] is not ("files" or "batches")) return false;
        JsonNode? answer;
        int status = 200;
        lock (_gate)
        {
            (status, answer) = (segments[1], segments.Length, method) switch
            {
                ("files", 2, "POST") => Upload(context, body),
                ("files", 4, "GET") when segments[3] == "content" => FileContent(segments[2]),
                ("batches", 2, "POST") => Create(body),
                ("batches", 2, "GET") => List(context.Request.Query),
                ("batches", 3, "GET") => Retrieve(segments[2]),
                ("batches", 4, "POST") when segments[3] == "cancel" => Cancel(segments[2]),
                _ => (404, OpenAIError.Create(404, $"Unknown request URL: {method} {path}.", "unknown_url")),
            };
        }
        if (answer is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/octet-stream";
            await context.Response.WriteAsync((string)text!, cancellationToken);
        }
        else
        {
            await context.Response.WriteJsonAsync(status, answer!, cancellationToken);
        }
        return true;
    }

    private (int, JsonNode) Upload(HttpContext context, string body)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return (400, OpenAIError.Create(400, "Expected a multipart/form-data body."));
        var reader = new MultipartReader(boundary, new MemoryStream(Encoding.UTF8.GetBytes(body)));
        string? purpose = null, name = null, content = null;
        while (reader.ReadNextSectionAsync().GetAwaiter().GetResult() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            var value = new StreamReader(section.Body).ReadToEnd();
            if (disposition.Name.Value == "purpose") purpose = value;
            else if (disposition.Name.Value == "file")
            {
                name = disposition.FileName.Value ?? "file.jsonl";
                content = value;
            }
        }
        if (purpose != "batch" || content is null) return (400, OpenAIError.Create(400, "A batch input file needs purpose=batch and a file part."));
        var id = $"file-fake{++_next}";
        _files[id] = (name!, purpose, content);
        return (200, new JsonObject { ["id"] = id, ["object"] = "file", ["bytes"] = Encoding.UTF8.GetByteCount(content), ["created_at"] = Now(), ["filename"] = name, ["purpose"] = purpose });
    }

    private (int, JsonNode) FileContent(string id) =>
        _files.TryGetValue(id, out var file) ? (200, JsonValue.Create(file.Content)) : (404, OpenAIError.Create(404, $"No such File object: {id}"));

    private (int, JsonNode) Create(string body)
    {
        var request = JsonNode.Parse(body) as JsonObject;
        var fileId = (string?)request?["input_file_id"];
        if (fileId is null || !_files.TryGetValue(fileId, out var file)) return (400, OpenAIError.Create(400, $"Invalid 'input_file_id': {fileId}."));
        var lines = file.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var batch = new JsonObject
        {
            ["id"] = $"batch_fake{++_next}",
            ["object"] = "batch",
            ["endpoint"] = (string?)request!["endpoint"],
            ["errors"] = null,
            ["input_file_id"] = fileId,
            ["completion_window"] = (string?)request["completion_window"],
            ["status"] = "validating",
            ["output_file_id"] = null,
            ["error_file_id"] = null,
            ["created_at"] = Now(),
            ["in_progress_at"] = null,
            ["expires_at"] = Now() + 86400,
            ["completed_at"] = null,
            ["request_counts"] = new JsonObject { ["total"] = lines.Length, ["completed"] = 0, ["failed"] = 0 },
            ["metadata"] = request["metadata"]?.DeepClone(),
        };
        _batches.Insert(0, batch);
        return (200, batch.DeepClone());
    }

    private (int, JsonNode) List(IQueryCollection query)
    {
        var limit = int.TryParse(query["limit"], out var n) ? n : 20;
        var after = (string?)query["after"];
        var start = after is null ? 0 : _batches.FindIndex(b => (string?)b["id"] == after) + 1;
        var page = _batches.Skip(start).Take(limit).ToList();
        return (200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.Select(b => b.DeepClone()).ToArray()),
            ["first_id"] = page.Count > 0 ? (string?)page[0]["id"] : null,
            ["last_id"] = page.Count > 0 ? (string?)page[^1]["id"] : null,
            ["has_more"] = start + page.Count < _batches.Count,
        });
    }

    private (int, JsonNode) Retrieve(string id)
    {
        if (Find(id) is not { } batch) return (404, OpenAIError.Create(404, $"No such Batch object: {id}"));
        Advance(batch);
        return (200, batch.DeepClone());
    }

    private (int, JsonNode) Cancel(string id)
    {
        if (Find(id) is not { } batch) return (404, OpenAIError.Create(404, $"No such Batch object: {id}"));
        if ((string?)batch["status"] is "completed" or "failed" or "expired" or "cancelled")
            return (400, OpenAIError.Create(400, $"Cannot cancel a batch with status '{batch["status"]}'."));
        batch["status"] = "cancelling";
        return (200, batch.DeepClone());
    }

    private JsonObject? Find(string id) => _batches.FirstOrDefault(b => (string?)b["id"] == id);

    private void Advance(JsonObject batch)
    {
        var status = (string?)batch["status"];
        if (status == "cancelling")
        {
            batch["status"] = "cancelled";
            batch["cancelled_at"] = Now();
            return;
        }
        var step = Array.IndexOf(Steps, status);
        if (step < 0 || step == Steps.Length - 1 || status == Settings.HoldAt) return;
        var next = Steps[step + 1];
        batch["status"] = next;
        if (next == "in_progress") batch["in_progress_at"] = Now();
        if (next == "completed") Complete(batch);
    }

    private void Complete(JsonObject batch)
    {
        var lines = _files[(string)batch["input_file_id"]!].Content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var answers = new StringBuilder();
        var errors = new StringBuilder();
        int completed = 0, failed = 0, n = 0;
        foreach (var line in lines)
        {
            var item = JsonNode.Parse(line)!.AsObject();
            var customId = (string?)item["custom_id"];
            var request = ChatRequest.From(item["body"]!.AsObject());
            var id = $"batch_req_fake{++n}";
            if (customId is not null && Settings.FailCustomIds.Contains(customId))
            {
                failed++;
                errors.Append(new JsonObject
                {
                    ["id"] = id,
                    ["custom_id"] = customId,
                    ["response"] = new JsonObject { ["status_code"] = Settings.FailStatus, ["request_id"] = $"req_fake{n}", ["body"] = OpenAIError.Create(Settings.FailStatus, "This request failed in the fake batch.") },
                    ["error"] = null,
                }.ToJsonString()).Append('\n');
                continue;
            }
            completed++;
            var text = FakeOpenAIServer.DefaultAnswer(request);
            answers.Append(new JsonObject
            {
                ["id"] = id,
                ["custom_id"] = customId,
                ["response"] = new JsonObject
                {
                    ["status_code"] = 200,
                    ["request_id"] = $"req_fake{n}",
                    ["body"] = new JsonObject
                    {
                        ["id"] = $"chatcmpl-fakebatch{n}",
                        ["object"] = "chat.completion",
                        ["created"] = Now(),
                        ["model"] = request.Model ?? "fake-model",
                        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text }, ["finish_reason"] = "stop" }),
                        ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
                    },
                },
                ["error"] = null,
            }.ToJsonString()).Append('\n');
        }
        batch["completed_at"] = Now();
        batch["request_counts"] = new JsonObject { ["total"] = lines.Length, ["completed"] = completed, ["failed"] = failed };
        if (answers.Length > 0) batch["output_file_id"] = Store("batch_output.jsonl", answers.ToString());
        if (errors.Length > 0) batch["error_file_id"] = Store("batch_errors.jsonl", errors.ToString());
    }

    private string Store(string name, string content)
    {
        var id = $"file-fake{++_next}";
        _files[id] = (name, "batch_output", content);
        return id;
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

/// <summary>How the fake's batches behave: where they stop advancing, and which items fail.</summary>
public sealed class BatchSettings
{
    /// <summary>A status batches stay at (e.g. in_progress, for a wait that times out); null: they advance to completed.</summary>
    public string? HoldAt { get; set; }
    /// <summary>Items (by custom_id) answered with an error.</summary>
    public HashSet<string> FailCustomIds { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The status of those errors.</summary>
    public int FailStatus { get; set; } = 400;
}
