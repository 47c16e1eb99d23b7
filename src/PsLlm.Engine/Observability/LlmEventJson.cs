using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;

namespace PsLlm.Engine.Observability;

/// <summary>
/// The one JSON form of every callback event, shared by the JSONL log, the webhook's inference
/// records and anything else that writes events out. Names are camelCase; times are ISO 8601 UTC
/// ("o"); durations are milliseconds. With <c>excludeContent</c> the text of prompts, answers,
/// tokens, tool arguments and outputs is left out and only its length kept (<c>textLength</c>,
/// <c>tokenLength</c>, …), with every id, count, usage and timing still there — for logs that
/// must not hold what users typed. Credentials are never part of an event; error messages are
/// still passed through <see cref="SecretRedactor"/> in case a server echoed one.
/// </summary>
internal static class LlmEventJson
{
    private const int MaxDepth = 8;
    private static readonly SecretRedactor KeyShapes = new(Array.Empty<string>());

    /// <summary>Compact, and non-ASCII text kept as is (readable logs; still valid JSON).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>The event as one line of JSON (no line break: JSON escapes new lines inside strings).</summary>
    public static string Serialize(LlmEvent e, bool excludeContent = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) Write(writer, e, excludeContent);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the event as a JSON object: the common fields, then the event's own.</summary>
    public static void Write(Utf8JsonWriter w, LlmEvent e, bool excludeContent = false)
    {
        w.WriteStartObject();
        w.WriteString("eventName", e.EventName);
        w.WriteString("runId", e.RunId);
        if (e.ParentRunId is { } parent) w.WriteString("parentRunId", parent);
        else w.WriteNull("parentRunId");
        w.WriteString("timestamp", Timestamp(e.Timestamp));
        WriteTags(w, e.Tags);
        WriteMetadata(w, e.Metadata);
        switch (e)
        {
            case ChainStartEvent s:
                w.WriteString("name", s.Name);
                WriteInputs(w, s.Inputs, excludeContent);
                break;
            case ChainEndEvent s:
                w.WriteString("name", s.Name);
                w.WriteNumber("durationMs", Milliseconds(s.Duration));
                WriteOutputs(w, s.Outputs, excludeContent);
                break;
            case ChainErrorEvent s:
                w.WriteString("name", s.Name);
                WriteError(w, "error", s.Error);
                WriteText(w, "partialText", s.PartialText, excludeContent);
                break;
            case TextEvent s:
                WriteText(w, "text", s.Text, excludeContent);
                break;
            case ChatModelStartEvent s:
                w.WriteString("model", s.Model);
                w.WriteString("endpoint", EndpointRules.Redact(s.Endpoint));
                WriteObject(w, "invocationParameters", s.InvocationParameters);
                WriteMessages(w, "messages", s.Messages, excludeContent);
                break;
            case LlmStartEvent s:
                WriteObject(w, "invocationParameters", s.InvocationParameters);
                if (excludeContent)
                {
                    w.WriteStartArray("promptLengths");
                    foreach (var prompt in s.Prompts) w.WriteNumberValue(prompt.Length);
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartArray("prompts");
                    foreach (var prompt in s.Prompts) w.WriteStringValue(prompt);
                    w.WriteEndArray();
                }
                break;
            case LlmNewTokenEvent s:
                w.WriteNumber("index", s.Index);
                w.WriteNumber("count", s.Count);
                w.WriteString("tokenKind", s.TokenKind == ChatTokenKind.Reasoning ? "reasoning" : "text");
                WriteText(w, "token", s.Token, excludeContent);
                if (s.Chunk is { } chunk) w.WriteNumber("elapsedMs", Milliseconds(chunk.Elapsed));
                break;
            case LlmEndEvent s:
                WriteResponse(w, "response", s.Response, excludeContent);
                break;
            case LlmErrorEvent s:
                WriteError(w, "error", s.Error);
                if (s.StatusCode is { } status) w.WriteNumber("statusCode", status);
                WriteText(w, "partialText", s.PartialText, excludeContent);
                break;
            case RetryEvent s:
                w.WriteNumber("attempt", s.Attempt);
                if (s.StatusCode is { } code) w.WriteNumber("statusCode", code);
                w.WriteNumber("delayMs", Milliseconds(s.Delay));
                w.WriteString("reason", KeyShapes.Redact(s.Reason));
                break;
            case AgentActionEvent s:
                w.WriteString("toolName", s.ToolName);
                w.WriteString("toolCallId", s.ToolCallId);
                WriteText(w, "arguments", s.Arguments, excludeContent);
                break;
            case ToolStartEvent s:
                w.WriteString("toolName", s.ToolName);
                if (s.McpServer is not null) w.WriteString("mcpServer", s.McpServer);
                w.WriteString("toolCallId", s.ToolCallId);
                WriteText(w, "arguments", s.Arguments, excludeContent);
                break;
            case ToolEndEvent s:
                w.WriteString("toolName", s.ToolName);
                if (s.McpServer is not null) w.WriteString("mcpServer", s.McpServer);
                w.WriteString("toolCallId", s.ToolCallId);
                w.WriteNumber("durationMs", Milliseconds(s.Duration));
                WriteText(w, "output", s.Output, excludeContent);
                break;
            case ToolErrorEvent s:
                w.WriteString("toolName", s.ToolName);
                if (s.McpServer is not null) w.WriteString("mcpServer", s.McpServer);
                w.WriteString("toolCallId", s.ToolCallId);
                WriteError(w, "error", s.Error);
                WriteText(w, "output", s.Output, excludeContent);
                break;
            case AgentFinishEvent s:
                w.WriteNumber("rounds", s.Rounds);
                WriteText(w, "output", s.Output, excludeContent);
                break;
            default:
                // An event type newer than this serializer: at least its one-line summary.
                WriteText(w, "summary", e.Summary, excludeContent);
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>ISO 8601 in UTC with the "o" format: 2025-01-31T12:00:00.1234567Z.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds, rounded to microseconds.</summary>
    public static double Milliseconds(TimeSpan span) => Math.Round(span.TotalMilliseconds, 3);

    public static void WriteTags(Utf8JsonWriter w, IReadOnlyList<string> tags)
    {
        w.WriteStartArray("tags");
        foreach (var tag in tags) w.WriteStringValue(tag);
        w.WriteEndArray();
    }

    /// <summary>Metadata values: primitives as JSON, lists and dictionaries as JSON, anything else as its string form.</summary>
    public static void WriteMetadata(Utf8JsonWriter w, IReadOnlyDictionary<string, object?> metadata) => WriteObject(w, "metadata", metadata);

    /// <summary>A property whose value is an object of <paramref name="values"/>, written by the metadata rules.</summary>
    public static void WriteObject(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, object?>> values)
    {
        w.WritePropertyName(name);
        WriteDictionary(w, values, 0);
    }

    /// <summary>Messages with role and text (or, without content, its length), tool calls and tool results.</summary>
    public static void WriteMessages(Utf8JsonWriter w, string name, IEnumerable<ChatMessage> messages, bool excludeContent)
    {
        w.WriteStartArray(name);
        foreach (var message in messages) ChatMessageJson.Write(w, message, excludeContent);
        w.WriteEndArray();
    }

    /// <summary>Starts the object <paramref name="name"/>; when there is no <paramref name="value"/>, writes null instead and says so.</summary>
    private static bool StartObject(Utf8JsonWriter w, string name, [NotNullWhen(true)] object? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
            return false;
        }
        w.WriteStartObject(name);
        return true;
    }

    public static void WriteUsage(Utf8JsonWriter w, string name, TokenUsage? usage)
    {
        if (!StartObject(w, name, usage)) return;
        w.WriteNumber("inputTokens", usage.InputTokens);
        w.WriteNumber("outputTokens", usage.OutputTokens);
        w.WriteNumber("totalTokens", usage.TotalTokens);
        w.WriteNumber("reasoningTokens", usage.ReasoningTokens);
        w.WriteNumber("cachedInputTokens", usage.CachedInputTokens);
        w.WriteEndObject();
    }

    /// <summary>The response without the messages it answered (those are on ChatModelStart of the same run).</summary>
    public static void WriteResponse(Utf8JsonWriter w, string name, ChatResponse? response, bool excludeContent)
    {
        if (!StartObject(w, name, response)) return;
        WriteText(w, "text", response.Text, excludeContent);
        if (response.Reasoning is { } reasoning) WriteText(w, "reasoning", reasoning, excludeContent);
        if (response.Refusal is { } refusal) WriteText(w, "refusal", refusal, excludeContent);
        w.WriteString("model", response.Model);
        w.WriteString("finishReason", response.FinishReason);
        WriteUsage(w, "usage", response.Usage);
        w.WriteString("responseId", response.ResponseId);
        w.WriteString("runId", response.RunId);
        w.WriteString("chainRunId", response.ChainRunId);
        w.WriteNumber("durationMs", Milliseconds(response.Duration));
        if (response.TimeToFirstToken is { } first) w.WriteNumber("timeToFirstTokenMs", Milliseconds(first));
        else w.WriteNull("timeToFirstTokenMs");
        w.WriteBoolean("isPartial", response.IsPartial);
        w.WriteNumber("rounds", response.Rounds);
        w.WriteNumber("messageCount", response.Messages.Count);
        WriteToolCalls(w, "toolCalls", response.ToolCalls, excludeContent);
        w.WriteEndObject();
    }

    /// <summary>Type and message; for an <see cref="LlmException"/> also its id, kind, status and server code.</summary>
    public static void WriteError(Utf8JsonWriter w, string name, Exception? error)
    {
        if (!StartObject(w, name, error)) return;
        w.WriteString("type", error.GetType().FullName);
        w.WriteString("message", KeyShapes.Redact(error.Message));
        if (error is LlmException llm)
        {
            w.WriteString("errorId", llm.ErrorId);
            w.WriteString("kind", llm.Kind.ToString());
            if (llm.StatusCode is { } status) w.WriteNumber("statusCode", status);
            if (llm.ServerErrorCode is { } code) w.WriteString("serverErrorCode", code);
            if (llm.RetryAfter is { } after) w.WriteNumber("retryAfterMs", Milliseconds(after));
            if (llm.ParameterName is { } parameter) w.WriteString("parameterName", parameter);
        }
        else if (error.InnerException is { } inner)
        {
            w.WriteString("innerType", inner.GetType().FullName);
            w.WriteString("innerMessage", KeyShapes.Redact(inner.Message));
        }
        w.WriteEndObject();
    }

    /// <summary>"name": text, or "nameLength": n when content is excluded.</summary>
    public static void WriteText(Utf8JsonWriter w, string name, string? text, bool excludeContent)
    {
        if (excludeContent) w.WriteNumber(name + "Length", text?.Length ?? 0);
        else w.WriteString(name, text ?? string.Empty);
    }

    /// <summary>Tool calls with what went back to the model, whether they ran and how long they took.</summary>
    public static void WriteToolCalls(Utf8JsonWriter w, string name, IReadOnlyList<ToolCallResult> calls, bool excludeContent)
    {
        w.WriteStartArray(name);
        foreach (var call in calls)
        {
            w.WriteStartObject();
            w.WriteString("id", call.Call.Id);
            w.WriteString("name", call.Name);
            WriteText(w, "arguments", call.Arguments, excludeContent);
            WriteText(w, "output", call.Output, excludeContent);
            w.WriteBoolean("succeeded", call.Succeeded);
            w.WriteBoolean("executed", call.Executed);
            w.WriteNumber("durationMs", Milliseconds(call.Duration));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A chain's inputs; without content only their names (an input is what the user typed).</summary>
    private static void WriteInputs(Utf8JsonWriter w, IReadOnlyDictionary<string, object?> inputs, bool excludeContent)
    {
        if (!excludeContent)
        {
            w.WritePropertyName("inputs");
            WriteDictionary(w, inputs, 0);
            return;
        }
        w.WriteStartObject("inputLengths");
        foreach (var (key, value) in inputs)
            w.WriteNumber(key, value switch
            {
                string text => text.Length,
                IReadOnlyList<ChatMessage> messages => messages.Sum(m => m.Content.Length),
                null => 0,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture)?.Length ?? 0,
            });
        w.WriteEndObject();
    }

    /// <summary>A chat's output is its response; a chain block's output is whatever it returned.</summary>
    private static void WriteOutputs(Utf8JsonWriter w, object? outputs, bool excludeContent)
    {
        if (outputs is ChatResponse response)
        {
            WriteResponse(w, "outputs", response, excludeContent);
            return;
        }
        if (excludeContent)
        {
            w.WriteNumber("outputsLength", outputs is null ? 0 : Convert.ToString(outputs, CultureInfo.InvariantCulture)?.Length ?? 0);
            return;
        }
        w.WritePropertyName("outputs");
        WriteValue(w, outputs, 0);
    }

    private static void WriteDictionary(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, object?>> values, int depth)
    {
        w.WriteStartObject();
        foreach (var (key, value) in values)
        {
            w.WritePropertyName(key);
            WriteValue(w, value, depth + 1);
        }
        w.WriteEndObject();
    }

    /// <summary>Primitives as JSON values, messages and responses in their JSON form, lists and dictionaries recursively, the rest as text.</summary>
    private static void WriteValue(Utf8JsonWriter w, object? value, int depth)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); return;
            case string s: w.WriteStringValue(s); return;
            case bool b: w.WriteBooleanValue(b); return;
            case char c: w.WriteStringValue(c.ToString()); return;
            case int or long or short or sbyte or byte or ushort or uint:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); return;
            case ulong u: w.WriteNumberValue(u); return;
            case decimal m: w.WriteNumberValue(m); return;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); return;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); return;
            case double or float: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); return;
            case Enum e: w.WriteStringValue(e.ToString()); return;
            case Guid g: w.WriteStringValue(g); return;
            case DateTimeOffset dto: w.WriteStringValue(Timestamp(dto)); return;
            case DateTime dt: w.WriteStringValue(dt.Kind == DateTimeKind.Unspecified ? dt.ToString("o", CultureInfo.InvariantCulture) : Timestamp(dt)); return;
            case TimeSpan ts: w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); return;
            case Uri uri: w.WriteStringValue(EndpointRules.Redact(uri.ToString())); return;
        }
        if (depth >= MaxDepth)
        {
            w.WriteStringValue(value.ToString());
            return;
        }
        switch (value)
        {
            case ChatMessage message:
                ChatMessageJson.Write(w, message, excludeContent: false);
                return;
            case ChatResponse response:
                // Only inside a value (a chain's output list); the property form is WriteResponse.
                w.WriteStartObject();
                w.WriteString("text", response.Text);
                w.WriteString("responseId", response.ResponseId);
                w.WriteString("runId", response.RunId);
                w.WriteEndObject();
                return;
            case TokenUsage usage:
                w.WriteStartObject();
                w.WriteNumber("inputTokens", usage.InputTokens);
                w.WriteNumber("outputTokens", usage.OutputTokens);
                w.WriteNumber("totalTokens", usage.TotalTokens);
                w.WriteEndObject();
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                WriteDictionary(w, pairs, depth);
                return;
            case IDictionary dictionary:
                w.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(w, entry.Value, depth + 1);
                }
                w.WriteEndObject();
                return;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) WriteValue(w, item, depth + 1);
                w.WriteEndArray();
                return;
            default:
                w.WriteStringValue(value.ToString());
                return;
        }
    }
}
