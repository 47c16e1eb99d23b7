using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;

namespace PsLlm.Engine.Wire;

/// <summary>
/// Reads a chat-completions answer off the wire — an event stream or a whole JSON body, whichever
/// the server actually sent — and queues what it says for the run's thread. It decides honestly
/// whether the answer is complete: a stream is complete when a finish reason or <c>[DONE]</c>
/// arrived; an error inside the stream (an <c>error</c> object, <c>finish_reason: "error"</c>,
/// <c>event: error</c>, an <c>error:</c> line, a bare JSON error) fails the run even when
/// <c>[DONE]</c> follows; a body that is not a chat answer fails with what it did say.
/// </summary>
internal sealed class ChatResponseReader
{
    private static readonly byte[] Done = "[DONE]"u8.ToArray();
    private readonly RunQueue _queue;
    private readonly Stopwatch _clock;
    private readonly SecretRedactor _redactor;
    private readonly CompletionChunk _chunk = new();
    private readonly ToolCallAssembler _toolCalls = new();
    private Dictionary<string, string>? _messageFields;
    private string? _finish;
    private bool _announced;
    private bool _sawChoice;

    public ChatResponseReader(RunQueue queue, Stopwatch clock, SecretRedactor redactor)
    {
        _queue = queue;
        _clock = clock;
        _redactor = redactor;
    }

    /// <summary>Reads an answer that may be an event stream or one JSON body; either is accepted in either mode.</summary>
    public async Task ReadAsync(Stream body, TimeSpan? idleTimeout, CancellationToken cancellationToken)
    {
        using var events = new SseReader(body, idleTimeout);
        var done = false;
        while (!done && await events.ReadAsync(cancellationToken).ConfigureAwait(false) is { } e)
        {
            switch (e.Kind)
            {
                case SseEventKind.ErrorField:
                    throw StreamError(e.Data.Span);
                default:
                    if (e.Data.Span.Trim(" \t"u8).SequenceEqual(Done))
                    {
                        done = true;
                        break;
                    }
                    await ReadChunkAsync(e.Data.Span, isErrorEvent: e.EventType == "error", cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        if (!events.Stray.IsEmpty)
        {
            // Not an event stream after all: an error (a bare JSON error, an error body) fails the
            // run; a whole completion (a server that ignored "stream") or anything else is read as
            // the answer when no event brought one.
            if (CompletionJson.ReadError(FirstJsonValue(events.Stray.Span)) is { } bare) throw ServerReported(bare);
            if (!_sawChoice)
            {
                await ReadWholeAsync(events.Stray, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        if (!done && _finish is null)
            throw Incomplete(events.BytesRead == 0 ? "The server ended the answer without sending anything." : "The stream ended before the answer was finished: no finish reason and no [DONE] arrived.");
        if (!_sawChoice)
            throw new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidResponse",
                "The server's stream held no answer: not one chunk had a choice.");
        Finish();
    }

    private ValueTask ReadChunkAsync(ReadOnlySpan<byte> data, bool isErrorEvent, CancellationToken cancellationToken)
    {
        bool isObject;
        try
        {
            isObject = CompletionJson.Read(data, _chunk);
        }
        catch (JsonException)
        {
            isObject = false;
        }
        if (!isObject)
        {
            if (isErrorEvent) throw StreamError(data);
            throw NotAnAnswer("a stream event that is not JSON", data);
        }
        if (_chunk.Error is { } error || isErrorEvent)
            throw ServerReported(_chunk.Error ?? new ServerError(Encoding.UTF8.GetString(data), null, null, null));
        return QueueChunkAsync(cancellationToken);
    }

    private async ValueTask QueueChunkAsync(CancellationToken cancellationToken)
    {
        var chunk = _chunk;
        var now = _clock.Elapsed;
        if (!_announced && (chunk.Id is { Length: > 0 } || chunk.Model is { Length: > 0 }))
        {
            await _queue.AddAsync(new ResponseInfoItem(now, chunk.Id ?? string.Empty, chunk.Model ?? string.Empty), cancellationToken).ConfigureAwait(false);
            _announced = true;
        }
        if (chunk.HasChoice)
        {
            _sawChoice = true;
            if (chunk.Reasoning is { Length: > 0 } reasoning) await _queue.AddAsync(new TokenItem(now, reasoning, ChatTokenKind.Reasoning), cancellationToken).ConfigureAwait(false);
            if (chunk.Content is { Length: > 0 } text) await _queue.AddAsync(new TokenItem(now, text, ChatTokenKind.Text), cancellationToken).ConfigureAwait(false);
            if (chunk.Refusal is { Length: > 0 } refusal) await _queue.AddAsync(new RefusalItem(now, refusal), cancellationToken).ConfigureAwait(false);
            if (chunk.ToolCalls.Count > 0) _toolCalls.Add(chunk.ToolCalls);
            KeepMessageFields(chunk);
            if (FinishReasons.Normalize(chunk.FinishReason) is { } finish)
            {
                if (finish == FinishReasons.Error) throw ServerReported(new ServerError("The server ended the answer with finish reason 'error'.", null, null, null));
                _finish = finish;
            }
        }
        // Usage may come on any chunk, cumulatively (vLLM): the last one wins.
        if (chunk.Usage is { } usage) await _queue.AddAsync(new UsageItem(now, usage), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A whole JSON answer (non-streamed, or a server that ignored "stream": true).</summary>
    public async Task ReadWholeAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var json = FirstJsonValue(body.Span);
        bool isObject;
        try
        {
            isObject = !json.IsEmpty && CompletionJson.Read(json, _chunk);
        }
        catch (JsonException)
        {
            isObject = false;
        }
        if (!isObject) throw NotAnAnswer("not a chat completion", body.Span);
        var chunk = _chunk;
        if (chunk.Error is { } error) throw ServerReported(error);
        if (!chunk.HasChoice)
            throw NotAnAnswer(chunk.HasChoicesKey ? "a completion with an empty list of choices" : "JSON without choices", body.Span);
        var finish = FinishReasons.Normalize(chunk.FinishReason);
        if (finish == FinishReasons.Error) throw ServerReported(new ServerError("The server ended the answer with finish reason 'error'.", null, null, null));

        var calls = chunk.ToolCalls.Select(c => new ToolCall(c.Id ?? string.Empty, c.Name ?? string.Empty, string.IsNullOrEmpty(c.Arguments) ? "{}" : c.Arguments)
        {
            ProviderFields = c.Fields ?? ToolCall.NoFields,
        }).ToArray();
        if (calls.Length > 0 && finish is null or FinishReasons.Stop) finish = FinishReasons.ToolCalls;
        var now = _clock.Elapsed;
        if (chunk.IsMessage)
        {
            await _queue.AddAsync(new CompletionItem(now, chunk.Content ?? string.Empty, chunk.Reasoning is { Length: > 0 } r ? r : null,
                chunk.Refusal, finish ?? string.Empty, chunk.Usage, chunk.Id ?? string.Empty, chunk.Model ?? string.Empty), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A lone chunk where a whole answer was expected (mini-sglang answers every request as a stream).
            _sawChoice = true;
            await QueueChunkAsync(cancellationToken).ConfigureAwait(false);
            _finish ??= finish ?? FinishReasons.Stop;
            Finish();
            return;
        }
        if (calls.Length > 0) _queue.AddFinal(new ToolCallsItem(now, calls));
        KeepMessageFields(chunk);
        if (_messageFields is not null) _queue.AddFinal(new MessageFieldsItem(now, _messageFields));
    }

    private void Finish()
    {
        var now = _clock.Elapsed;
        if (!_toolCalls.IsEmpty)
        {
            _queue.AddFinal(new ToolCallsItem(now, _toolCalls.Build()));
            // Gemini streams "stop" after a tool call (and answers "tool_calls" to the same request unstreamed).
            if (_finish is null or FinishReasons.Stop) _finish = FinishReasons.ToolCalls;
        }
        if (_finish is not null) _queue.AddFinal(new FinishItem(now, _finish));
        if (_messageFields is not null) _queue.AddFinal(new MessageFieldsItem(now, _messageFields));
    }

    private void KeepMessageFields(CompletionChunk chunk)
    {
        if (chunk.MessageFields is null) return;
        _messageFields ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, raw) in chunk.MessageFields) _messageFields[name] = raw;
    }

    /// <summary>The first JSON value of a body, skipping a byte-order mark and blank lines before it, and anything after it.</summary>
    private static ReadOnlySpan<byte> FirstJsonValue(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) body = body[3..];
        body = body.TrimStart(" \t\r\n"u8);
        if (body.IsEmpty || body[0] is not ((byte)'{' or (byte)'[')) return default;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            // Trailing bytes (a router's "data: [DONE]" glued to the JSON) are left out.
            reader.Read();
            reader.Skip();
            return body[..(int)reader.BytesConsumed];
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private LlmException StreamError(ReadOnlySpan<byte> data) =>
        ServerReported(CompletionJson.ReadError(data) ?? new ServerError(_redactor.Redact(BodyPreview.Describe(data)), null, null, null));

    private LlmException ServerReported(ServerError error)
    {
        var message = _redactor.Redact(error.Message);
        var status = error.Status;
        var (kind, id) = status switch
        {
            429 => (LlmErrorKind.RateLimited, "LlmRateLimited"),
            401 => (LlmErrorKind.Authentication, "LlmAuthenticationFailed"),
            403 => (LlmErrorKind.PermissionDenied, "LlmPermissionDenied"),
            >= 400 and < 500 => (LlmErrorKind.BadRequest, "LlmBadRequest"),
            _ => (LlmErrorKind.ServerError, "LlmServerError"),
        };
        var code = error.Code is { Length: > 0 } c ? $" ({c})" : string.Empty;
        return new LlmException(kind, id, $"The server reported an error in its answer{code}: {message}")
        {
            StatusCode = status,
            ServerErrorCode = error.Code,
            RecommendedAction = "The text that arrived before the error is on the exception's PartialText; try again.",
        };
    }

    private static LlmException Incomplete(string message) =>
        new(LlmErrorKind.InvalidResponse, "LlmIncompleteResponse", message)
        {
            RecommendedAction = "The text that arrived is on the exception's PartialText; try again.",
        };

    private LlmException NotAnAnswer(string what, ReadOnlySpan<byte> body) =>
        new(LlmErrorKind.InvalidResponse, "LlmInvalidResponse", $"The server's answer is {what}: {_redactor.Redact(BodyPreview.Describe(body))}")
        {
            ResponseBody = _redactor.Redact(Encoding.UTF8.GetString(body.Length > BodyPreview.MaxKept ? body[..BodyPreview.MaxKept] : body)),
            RecommendedAction = "Check that the endpoint is an OpenAI-compatible API (it usually ends in /v1), and any proxy in between.",
        };
}
