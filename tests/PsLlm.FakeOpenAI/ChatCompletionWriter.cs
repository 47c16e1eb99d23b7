using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PsLlm.FakeOpenAI;

/// <summary>Turns a <see cref="FakeReply"/> into an OpenAI chat-completions response, streamed or not.</summary>
internal sealed class ChatCompletionWriter
{
    private readonly HttpContext _context;
    private readonly FakeReply _reply;
    private readonly ChatRequest _request;
    private readonly string _id;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly string _model;
    private readonly IReadOnlyList<string> _tokens;
    private readonly IReadOnlyList<string> _refusalTokens;
    private readonly IReadOnlyList<ResolvedToolCall> _toolCalls;

    public ChatCompletionWriter(HttpContext context, FakeReply reply, ChatRequest request, int sequence)
    {
        _context = context;
        _reply = reply;
        _request = request;
        _id = $"chatcmpl-fake-{sequence}";
        _model = !string.IsNullOrEmpty(reply.Model) ? reply.Model : request.Model ?? "fake-model";
        _tokens = reply.ResolveTokens();
        _refusalTokens = FakeReply.SplitIntoTokens(reply.Refusal);
        _toolCalls = (reply.ToolCalls ?? [])
            .Select((call, i) => new ResolvedToolCall(
                i,
                string.IsNullOrEmpty(call.Id) ? $"call_fake_{sequence}_{i}" : call.Id,
                call.Name,
                call.Arguments ?? ""))
            .ToList();
    }

    private int CompletionTokens =>
        _reply.CompletionTokens ?? _tokens.Count + _refusalTokens.Count + _toolCalls.Sum(c => c.ArgumentPieces.Count);

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var response = _context.Response;
        foreach (var (name, value) in _reply.Headers ?? [])
        {
            response.Headers[name] = value;
        }

        if (_reply.Body is not null)
        {
            await WriteRawBodyAsync(cancellationToken);
        }
        else if (_reply.Status != 200)
        {
            await DelayAsync(_reply.FirstTokenDelayMs + _reply.DelayMs, cancellationToken);
            var error = OpenAIError.Create(_reply.Status, _reply.ErrorMessage, _reply.ErrorCode);
            await response.WriteJsonAsync(_reply.Status, error, cancellationToken);
        }
        else if (_request.Stream)
        {
            await WriteStreamAsync(cancellationToken);
        }
        else
        {
            await WriteCompletionAsync(cancellationToken);
        }
    }

    private async Task WriteRawBodyAsync(CancellationToken cancellationToken)
    {
        await DelayAsync(_reply.FirstTokenDelayMs + _reply.DelayMs, cancellationToken);
        if (_reply.Body is JsonArray frames && frames.All(f => f is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            var sse = new SseWriter(_context);
            await sse.StartAsync(_reply.Status, "text/event-stream; charset=utf-8", cancellationToken);
            foreach (var frame in frames)
            {
                await sse.WriteFrameAsync(frame!.GetValue<string>(), cancellationToken);
            }
        }
        else
        {
            await _context.Response.WriteJsonAsync(_reply.Status, _reply.Body, cancellationToken);
        }
    }

    private static readonly TimeSpan DisconnectGrace = TimeSpan.FromMilliseconds(150);

    private async Task WriteCompletionAsync(CancellationToken cancellationToken)
    {
        await DelayAsync(_reply.FirstTokenDelayMs + _reply.DelayMs, cancellationToken);
        if (_reply.DisconnectAfterTokens is not null)
        {
            _context.Abort();
            return;
        }

        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = _reply.ResolveContent(),
            ["refusal"] = _reply.Refusal,
        };
        if (_toolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray(_toolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        }

        var body = new JsonObject
        {
            ["id"] = _id,
            ["object"] = "chat.completion",
            ["created"] = _created,
            ["model"] = _model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = _reply.FinishReason,
            }),
            ["usage"] = Usage(),
        };
        await _context.Response.WriteJsonAsync(200, body, cancellationToken);
    }

    private async Task WriteStreamAsync(CancellationToken cancellationToken)
    {
        var sse = new SseWriter(_context);
        await sse.StartAsync(200, "text/event-stream; charset=utf-8", cancellationToken);
        await DelayAsync(_reply.FirstTokenDelayMs, cancellationToken);

        // Like OpenAI, a reply that is only tool calls or a refusal opens with null content.
        var content = _reply.ResolveContent() is null ? null : (JsonNode)"";
        await sse.WriteDataAsync(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = content }), cancellationToken);

        var sent = 0;
        if (await ShouldDisconnectAsync(sent))
        {
            return;
        }

        var deltas = _tokens.Select(t => new JsonObject { ["content"] = t })
            .Concat(_refusalTokens.Select(t => new JsonObject { ["refusal"] = t }))
            .Concat(_toolCalls.SelectMany(ToolCallDeltas));
        foreach (var delta in deltas)
        {
            await DelayAsync(_reply.DelayMs, cancellationToken);
            await sse.WriteDataAsync(Chunk(delta), cancellationToken);
            if (await ShouldDisconnectAsync(++sent))
            {
                return;
            }

            if (_reply.StallAfterTokens == sent)
            {
                await DelayAsync(_reply.StallMs, cancellationToken);
            }
        }

        await sse.WriteDataAsync(Chunk(new JsonObject(), _reply.FinishReason), cancellationToken);
        if (_request.IncludeUsage)
        {
            var usageChunk = new JsonObject
            {
                ["id"] = _id,
                ["object"] = "chat.completion.chunk",
                ["created"] = _created,
                ["model"] = _model,
                ["choices"] = new JsonArray(),
                ["usage"] = Usage(),
            };
            await sse.WriteDataAsync(WireJson.Serialize(usageChunk), cancellationToken);
        }

        await sse.WriteDataAsync("[DONE]", cancellationToken);
    }

    private async Task<bool> ShouldDisconnectAsync(int tokensSent)
    {
        if (_reply.DisconnectAfterTokens is { } limit && tokensSent >= limit)
        {
            // A dropped connection arrives after the bytes already sent: give the client time to
            // read them, since a reset discards data still waiting in the peer's receive buffer.
            await Task.Delay(DisconnectGrace);
            _context.Abort();
            return true;
        }

        return false;
    }

    private static IEnumerable<JsonObject> ToolCallDeltas(ResolvedToolCall call)
    {
        yield return ToolCallDelta(new JsonObject
        {
            ["index"] = call.Index,
            ["id"] = call.Id,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
        });
        foreach (var piece in call.ArgumentPieces)
        {
            yield return ToolCallDelta(new JsonObject
            {
                ["index"] = call.Index,
                ["function"] = new JsonObject { ["arguments"] = piece },
            });
        }
    }

    private static JsonObject ToolCallDelta(JsonObject toolCall) => new() { ["tool_calls"] = new JsonArray(toolCall) };

    private string Chunk(JsonObject delta, string? finishReason = null) => WireJson.Serialize(new JsonObject
    {
        ["id"] = _id,
        ["object"] = "chat.completion.chunk",
        ["created"] = _created,
        ["model"] = _model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }),
    });

    private JsonObject Usage()
    {
        var prompt = _reply.PromptTokens ?? _request.EstimatedPromptTokens;
        var completion = CompletionTokens;
        return new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = prompt + completion,
        };
    }

    private static Task DelayAsync(int milliseconds, CancellationToken cancellationToken) =>
        milliseconds > 0 ? Task.Delay(milliseconds, cancellationToken) : Task.CompletedTask;

    /// <summary>A tool call with its id settled and its arguments cut into the 2-3 fragments OpenAI typically streams.</summary>
    private sealed record ResolvedToolCall(int Index, string Id, string Name, string Arguments)
    {
        public IReadOnlyList<string> ArgumentPieces { get; } = Split(Arguments);

        private static List<string> Split(string text)
        {
            if (text.Length <= 1)
            {
                return text.Length == 0 ? [] : [text];
            }

            var parts = text.Length == 2 ? 2 : 3;
            var pieces = new List<string>(parts);
            var start = 0;
            for (var p = 1; p <= parts; p++)
            {
                var end = p == parts ? text.Length : text.Length * p / parts;
                if (end < text.Length && end > 0 && char.IsLowSurrogate(text[end]))
                {
                    end++;
                }

                if (end > start)
                {
                    pieces.Add(text[start..end]);
                    start = end;
                }
            }

            return pieces;
        }
    }
}
