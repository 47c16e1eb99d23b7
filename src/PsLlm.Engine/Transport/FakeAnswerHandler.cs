using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.Engine.Transport;

/// <summary>
/// The server of an <see cref="LlmFakeClient"/>, inside the process: it answers each request the
/// SDK sends with what a real server would send on the wire — its next scripted answer written as
/// OpenAI writes a chat completion (an event stream token by token, or one JSON body), or the next
/// recorded exchange for that path byte for byte — so the chat is read, and its events raised,
/// exactly as for a real server. Every request is kept on the client for the test to look at.
/// </summary>
internal sealed class FakeAnswerHandler(LlmFakeClient fake) : HttpMessageHandler
{
    private readonly object _gate = new();
    private IReadOnlyList<RecordedCall>? _recorded;
    private readonly HashSet<int> _replayed = new();
    private int _sequence;

    // The SDK's synchronous calls (the models list) come here.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var path = PathUnderEndpoint(request.RequestUri!);
        var json = TryParse(body);
        fake.Received(Describe(path, body, json));
        if (fake.ReplayPath is { } replay) return Replay(replay, request.Method.Method, path);
        if (path == "/models") return Json(HttpStatusCode.OK, new JsonObject { ["object"] = "list", ["data"] = new JsonArray(new JsonObject { ["id"] = fake.Model, ["object"] = "model", ["owned_by"] = "psllm-fake" }) });
        if (!fake.TryTakeAnswer(out var answer))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmFakeClientExhausted",
                $"The fake client has no answer left for request {fake.Requests.Count} ({fake.Requests[^1]}): it gave every answer it was given.")
            { RecommendedAction = "Give New-LlmFakeClient -Response one answer per model call (a tool chat makes one call per round)." };
        var model = answer.Model ?? (string?)json?["model"] ?? fake.Model;
        var id = $"chatcmpl-fake-{Interlocked.Increment(ref _sequence)}";
        if (answer.ErrorStatus is { } status) return Error(status, answer.ErrorMessage);
        var stream = json?["stream"]?.GetValueKind() == JsonValueKind.True;
        var includeUsage = json?["stream_options"]?["include_usage"]?.GetValueKind() == JsonValueKind.True;
        var tokens = answer.Tokens ?? Words(answer.Text);
        // Tokens alone say the text too.
        if (answer.Text.Length == 0 && answer.Tokens is { Count: > 0 }) answer = new LlmFakeAnswer
        {
            Text = string.Concat(answer.Tokens), Tokens = answer.Tokens, Reasoning = answer.Reasoning, ToolCalls = answer.ToolCalls, Usage = answer.Usage,
            FinishReason = answer.FinishReason, TokenDelay = answer.TokenDelay, Model = answer.Model,
        };
        var usage = answer.Usage ?? new TokenUsage { InputTokens = Math.Max(1, body.Length / 4), OutputTokens = Math.Max(tokens.Count, 1), TotalTokens = Math.Max(1, body.Length / 4) + Math.Max(tokens.Count, 1) };
        var finish = answer.FinishReason ?? (answer.ToolCalls.Count > 0 ? "tool_calls" : "stop");
        if (!stream)
        {
            if (answer.TokenDelay > TimeSpan.Zero) await Task.Delay(answer.TokenDelay * Math.Max(1, tokens.Count), cancellationToken).ConfigureAwait(false);
            return Json(HttpStatusCode.OK, Completion(id, model, answer, usage, finish));
        }
        var pipe = new Pipe();
        _ = Task.Run(() => WriteStreamAsync(pipe.Writer, id, model, answer, tokens, usage, finish, includeUsage, cancellationToken), CancellationToken.None);
        var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }

    private static async Task WriteStreamAsync(PipeWriter writer, string id, string model, LlmFakeAnswer answer, IReadOnlyList<string> tokens,
        TokenUsage usage, string finish, bool includeUsage, CancellationToken cancellationToken)
    {
        try
        {
            await Frame(writer, Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }), cancellationToken).ConfigureAwait(false);
            if (answer.Reasoning is { Length: > 0 } reasoning)
                await Frame(writer, Chunk(id, model, new JsonObject { ["reasoning_content"] = reasoning }), cancellationToken).ConfigureAwait(false);
            foreach (var token in tokens)
            {
                if (answer.TokenDelay > TimeSpan.Zero) await Task.Delay(answer.TokenDelay, cancellationToken).ConfigureAwait(false);
                await Frame(writer, Chunk(id, model, new JsonObject { ["content"] = token }), cancellationToken).ConfigureAwait(false);
            }
            for (var i = 0; i < answer.ToolCalls.Count; i++)
                await Frame(writer, Chunk(id, model, new JsonObject { ["tool_calls"] = new JsonArray(ToolCallJson(answer.ToolCalls[i], i)) }), cancellationToken).ConfigureAwait(false);
            await Frame(writer, Chunk(id, model, new JsonObject(), finish), cancellationToken).ConfigureAwait(false);
            if (includeUsage)
            {
                var last = Envelope(id, model, "chat.completion.chunk");
                last["choices"] = new JsonArray();
                last["usage"] = UsageJson(usage);
                await Frame(writer, last, cancellationToken).ConfigureAwait(false);
            }
            await writer.WriteAsync("data: [DONE]\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The reader went away (Ctrl+C): the stream ends as a cut connection would.
            await writer.CompleteAsync(e is OperationCanceledException ? new IOException("The fake stream was stopped.", e) : e).ConfigureAwait(false);
        }
    }

    private static async ValueTask Frame(PipeWriter writer, JsonObject chunk, CancellationToken cancellationToken) =>
        await writer.WriteAsync(Encoding.UTF8.GetBytes("data: " + chunk.ToJsonString() + "\n\n"), cancellationToken).ConfigureAwait(false);

    private static JsonObject Chunk(string id, string model, JsonObject delta, string? finish = null)
    {
        var chunk = Envelope(id, model, "chat.completion.chunk");
        chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish });
        return chunk;
    }

    private static JsonObject Completion(string id, string model, LlmFakeAnswer answer, TokenUsage usage, string finish)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = answer.ToolCalls.Count > 0 && answer.Text.Length == 0 ? null : answer.Text };
        if (answer.Reasoning is { Length: > 0 } reasoning) message["reasoning_content"] = reasoning;
        if (answer.ToolCalls.Count > 0) message["tool_calls"] = new JsonArray(answer.ToolCalls.Select((c, i) => (JsonNode)ToolCallJson(c, i)).ToArray());
        var completion = Envelope(id, model, "chat.completion");
        completion["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish });
        completion["usage"] = UsageJson(usage);
        return completion;
    }

    private static JsonObject Envelope(string id, string model, string kind) =>
        new() { ["id"] = id, ["object"] = kind, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model };

    private static JsonObject ToolCallJson(ToolCall call, int index) => new()
    {
        ["index"] = index,
        ["id"] = string.IsNullOrEmpty(call.Id) ? $"call_fake_{index}" : call.Id,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
    };

    private static JsonObject UsageJson(TokenUsage usage) => new()
    {
        ["prompt_tokens"] = usage.InputTokens,
        ["completion_tokens"] = usage.OutputTokens,
        ["total_tokens"] = usage.TotalTokens > 0 ? usage.TotalTokens : usage.InputTokens + usage.OutputTokens,
    };

    /// <summary>The text in the pieces a model streams it in: each word with the space before the next.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i - 1] == ' ' && text[i] != ' ')
            {
                words.Add(text[start..i]);
                start = i;
            }
        }
        return words;
    }

    private HttpResponseMessage Replay(string path, string method, string requestPath)
    {
        RecordedCall? next = null;
        lock (_gate)
        {
            _recorded ??= SessionRecordFile.Read(path);
            for (var i = 0; i < _recorded.Count; i++)
            {
                if (_replayed.Contains(i) || _recorded[i].Method != method || PathUnderEndpoint(_recorded[i].Uri) != requestPath) continue;
                _replayed.Add(i);
                next = _recorded[i];
                break;
            }
        }
        if (next is null)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmFakeClientExhausted",
                $"The recording '{path}' has no more {method} {requestPath} exchanges to replay: the script sends more requests than were recorded.")
            { RecommendedAction = "Record again with New-LlmClient -RecordPath, running the same script." };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(next.Body));
        var response = new HttpResponseMessage((HttpStatusCode)next.Status) { Content = content };
        foreach (var (name, value) in next.Headers)
        {
            if (value == SessionRecordFile.Sanitized || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (!response.Headers.TryAddWithoutValidation(name, value)) content.Headers.TryAddWithoutValidation(name, value);
        }
        if (next.Streamed && content.Headers.ContentType is null) content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Error(int status, string? message) => Json((HttpStatusCode)status, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = message ?? $"The fake server answered {status}.",
            ["type"] = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error",
            ["param"] = null,
            ["code"] = null,
        },
    });

    private static LlmFakeRequest Describe(string path, string body, JsonNode? json)
    {
        var messages = json?["messages"] as JsonArray;
        string? TextOf(JsonNode? message) => message?["content"] switch
        {
            JsonValue text => text.ToString(),
            JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.ToString()).Where(t => t is not null)),
            _ => null,
        };
        return new LlmFakeRequest
        {
            Path = path,
            Model = json?["model"]?.ToString(),
            Prompt = TextOf(messages?.LastOrDefault(m => (string?)m?["role"] == "user")),
            System = TextOf(messages?.FirstOrDefault(m => (string?)m?["role"] is "system" or "developer")),
            MessageCount = messages?.Count ?? 0,
            ToolNames = (json?["tools"] as JsonArray)?.Select(t => t?["function"]?["name"]?.ToString() ?? string.Empty).ToArray() ?? Array.Empty<string>(),
            Stream = json?["stream"]?.GetValueKind() == JsonValueKind.True,
            Body = body,
            Timestamp = DateTimeOffset.UtcNow,
        };
    }

    private static JsonNode? TryParse(string body)
    {
        if (body.Length == 0) return null;
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // "/v1/chat/completions" and "https://api.openai.com/v1/chat/completions" are both "/chat/completions".
    private static string PathUnderEndpoint(Uri uri)
    {
        var path = uri.AbsolutePath.TrimEnd('/');
        foreach (var marker in new[] { "/chat/completions", "/models" })
            if (path.EndsWith(marker, StringComparison.OrdinalIgnoreCase)) return marker;
        return path;
    }
}
