using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace PsLlm.Engine.Wire;

/// <summary>
/// Reads chat-completions JSON (a streamed chunk, a whole completion, an error body) with
/// <see cref="Utf8JsonReader"/>, tolerating what real servers send: content as a string, null or a
/// list of parts (Mistral's thinking parts); reasoning under any of its names; tool calls with or
/// without an index; usage at the top, under x_groq, or with DeepSeek's cache fields; numbers where
/// strings are expected and the other way round; unknown fields and values anywhere. Nothing here
/// throws on an unknown value: a malformed document is a <see cref="JsonException"/>.
/// </summary>
internal static class CompletionJson
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Fields of a message the server returns but must not be sent back (DeepSeek rejects
    /// reasoning_content in a request; annotations and audio are response-only), or that PsLlm reads itself.
    /// </summary>
    private static readonly HashSet<string> KnownMessageFields = new(StringComparer.Ordinal)
    {
        "role", "content", "refusal", "tool_calls", "function_call", "name", "annotations", "audio",
        "reasoning", "reasoning_content", "reasoning_details", "cot_summary", "cot_id", "thinking",
    };

    private static readonly HashSet<string> KnownToolCallFields = new(StringComparer.Ordinal) { "index", "id", "type", "function" };

    /// <summary>Fills <paramref name="into"/> from one JSON document; false when it is not a JSON object (or a list holding one).</summary>
    public static bool Read(ReadOnlySpan<byte> json, CompletionChunk into)
    {
        into.Reset();
        var reader = new Utf8JsonReader(json, Options);
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            // Gemini wraps error bodies in a list: [{"error": {…}}].
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        }
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        ReadTop(ref reader, json, into);
        return true;
    }

    /// <summary>The error in an error body, or null when the body is not one of the shapes servers use.</summary>
    public static ServerError? ReadError(ReadOnlySpan<byte> json)
    {
        var chunk = new CompletionChunk();
        try
        {
            return Read(json, chunk) ? chunk.Error : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void ReadTop(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, CompletionChunk into)
    {
        string? flatObject = null, flatMessage = null, flatCode = null, flatType = null;
        TokenUsage? groqUsage = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "id": into.Id = Text(ref reader); break;
                case "model": into.Model = Text(ref reader); break;
                case "choices": ReadChoices(ref reader, source, into); break;
                case "usage": into.Usage = ReadUsage(ref reader) ?? into.Usage; break;
                case "x_groq": groqUsage = ReadGroq(ref reader); break;
                case "error": into.Error = ReadErrorValue(ref reader); break;
                // The flat error shape of older vLLM, SGLang and FastChat: {"object":"error","message":…}.
                case "object": flatObject = Text(ref reader); break;
                case "message": flatMessage = Text(ref reader); break;
                case "code": flatCode = Text(ref reader); break;
                case "type": flatType = Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        into.Usage ??= groqUsage;
        if (into.Error is null && flatObject == "error" && flatMessage is not null)
            into.Error = new ServerError(flatMessage, flatCode, flatType, ToStatus(flatCode));
    }

    private static void ReadChoices(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, CompletionChunk into)
    {
        into.HasChoicesKey = true;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }
        // PsLlm asks for one choice; a second one (n > 1 on a proxy) is skipped.
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || into.HasChoice)
            {
                reader.Skip();
                continue;
            }
            into.HasChoice = true;
            ReadChoice(ref reader, source, into);
        }
    }

    private static void ReadChoice(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, CompletionChunk into)
    {
        string? camelFinish = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "delta": ReadMessage(ref reader, source, into); break;
                case "message":
                    into.IsMessage = true;
                    ReadMessage(ref reader, source, into);
                    break;
                case "finish_reason": into.FinishReason = Text(ref reader); break;
                // Gemini's compatibility endpoint once sent the real reason only in camelCase.
                case "finishReason": camelFinish = Text(ref reader); break;
                case "error": into.Error = ReadErrorValue(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        if (FinishReasons.IsAbsent(into.FinishReason) && !FinishReasons.IsAbsent(camelFinish)) into.FinishReason = camelFinish;
    }

    private static void ReadMessage(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, CompletionChunk into)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        StringBuilder? reasoning = null;
        string? reasoningDetails = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "content": ReadContent(ref reader, into, ref reasoning); break;
                case "reasoning_content" or "reasoning" or "cot_summary":
                    if (Text(ref reader) is { Length: > 0 } thought) (reasoning ??= new StringBuilder()).Append(thought);
                    break;
                case "reasoning_details": reasoningDetails = ReadReasoningDetails(ref reader); break;
                case "refusal": into.Refusal = Text(ref reader); break;
                case "tool_calls": ReadToolCalls(ref reader, source, into); break;
                default:
                    if (!KnownMessageFields.Contains(name) && reader.TokenType == JsonTokenType.StartObject)
                        (into.MessageFields ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = Raw(ref reader, source);
                    else
                        reader.Skip();
                    break;
            }
        }
        // reasoning_details repeats "reasoning" in typed form (OpenRouter): used only when it is all there is.
        if (reasoning is null && reasoningDetails is { Length: > 0 }) into.Reasoning = reasoningDetails;
        else if (reasoning is not null) into.Reasoning = reasoning.ToString();
    }

    private static void ReadContent(ref Utf8JsonReader reader, CompletionChunk into, ref StringBuilder? reasoning)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                into.Content = reader.GetString();
                return;
            case JsonTokenType.StartArray:
                StringBuilder? text = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        if (reader.TokenType == JsonTokenType.String) (text ??= new StringBuilder()).Append(reader.GetString());
                        else reader.Skip();
                        continue;
                    }
                    var (type, partText, thinking) = ReadPart(ref reader);
                    if (type == "text" && partText is not null) (text ??= new StringBuilder()).Append(partText);
                    else if (type == "thinking" && thinking is { Length: > 0 }) (reasoning ??= new StringBuilder()).Append(thinking);
                }
                if (text is not null) into.Content = text.ToString();
                return;
            default:
                reader.Skip();
                return;
        }
    }

    /// <summary>One content part: its type, its text, and for a thinking part the text of its nested parts.</summary>
    private static (string? Type, string? Text, string? Thinking) ReadPart(ref Utf8JsonReader reader)
    {
        string? type = null, text = null, thinking = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "type": type = Text(ref reader); break;
                case "text": text = Text(ref reader); break;
                case "thinking": thinking = reader.TokenType == JsonTokenType.StartArray ? JoinTexts(ref reader, "text") : Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return (type, text, thinking);
    }

    /// <summary>OpenRouter's reasoning_details: the text of reasoning.text and reasoning.summary entries.</summary>
    private static string? ReadReasoningDetails(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }
        StringBuilder? text = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (NextProperty(ref reader, out var name))
            {
                if (name is "text" or "summary" && reader.TokenType == JsonTokenType.String) (text ??= new StringBuilder()).Append(reader.GetString());
                else reader.Skip();
            }
        }
        return text?.ToString();
    }

    /// <summary>The "text" values of a list of parts, joined.</summary>
    private static string? JoinTexts(ref Utf8JsonReader reader, string property)
    {
        StringBuilder? text = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                (text ??= new StringBuilder()).Append(reader.GetString());
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (NextProperty(ref reader, out var name))
            {
                if (name == property && reader.TokenType == JsonTokenType.String) (text ??= new StringBuilder()).Append(reader.GetString());
                else reader.Skip();
            }
        }
        return text?.ToString();
    }

    private static void ReadToolCalls(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, CompletionChunk into)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();   // null, as vLLM and Together send
            return;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            var call = new ToolCallDelta();
            while (NextProperty(ref reader, out var name))
            {
                switch (name)
                {
                    case "index": call.Index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) ? i : null; break;
                    case "id": call.Id = Text(ref reader); break;
                    case "function": ReadFunction(ref reader, source, call); break;
                    case "type": reader.Skip(); break;
                    default:
                        if (reader.TokenType == JsonTokenType.Null) reader.Skip();
                        else (call.Fields ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = Raw(ref reader, source);
                        break;
                }
            }
            into.ToolCalls.Add(call);
        }
    }

    private static void ReadFunction(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, ToolCallDelta call)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "name": call.Name = Text(ref reader); break;
                // Arguments are JSON text; a server that sends a JSON object instead gets it read as its text.
                case "arguments": call.Arguments = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? Raw(ref reader, source) : Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }
    }

    private static TokenUsage? ReadGroq(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        TokenUsage? usage = null;
        while (NextProperty(ref reader, out var name))
        {
            if (name == "usage") usage = ReadUsage(ref reader);
            else reader.Skip();
        }
        return usage;
    }

    private static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();   // "usage": null on the chunks before the last
            return null;
        }
        long input = 0, output = 0, total = 0, reasoning = 0, cached = 0;
        long? cacheHit = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "prompt_tokens": input = Number(ref reader); break;
                case "completion_tokens": output = Number(ref reader); break;
                case "total_tokens": total = Number(ref reader); break;
                // DeepSeek's own count of cached prompt tokens; its prompt_tokens_details can disagree.
                case "prompt_cache_hit_tokens": cacheHit = Number(ref reader); break;
                case "prompt_tokens_details": cached = Detail(ref reader, "cached_tokens"); break;
                case "completion_tokens_details": reasoning = Detail(ref reader, "reasoning_tokens"); break;
                default: reader.Skip(); break;
            }
        }
        return new TokenUsage
        {
            InputTokens = (int)input,
            OutputTokens = (int)output,
            TotalTokens = (int)(total > 0 ? total : input + output),
            ReasoningTokens = (int)reasoning,
            CachedInputTokens = (int)(cacheHit ?? cached),
        };
    }

    /// <summary>
    /// Moves to the next property of the object being read: its name in <paramref name="name"/>,
    /// the reader on its value. False at the end of the object.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NextProperty(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? name)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            name = null;
            return false;
        }
        name = reader.GetString()!;
        reader.Read();
        return true;
    }

    private static long Detail(ref Utf8JsonReader reader, string property)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }
        long value = 0;
        while (NextProperty(ref reader, out var name))
        {
            if (name == property) value = Number(ref reader);
            else reader.Skip();
        }
        return value;
    }

    private static ServerError? ReadErrorValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new ServerError(reader.GetString() ?? string.Empty, null, null, null);
            case JsonTokenType.StartObject:
                string? message = null, code = null, type = null, status = null;
                while (NextProperty(ref reader, out var name))
                {
                    switch (name)
                    {
                        case "message": message = Text(ref reader); break;
                        case "code": code = Text(ref reader); break;
                        case "type": type = Text(ref reader); break;
                        case "status": status = Text(ref reader); break;
                        default: reader.Skip(); break;
                    }
                }
                // Gemini's status is a name (INVALID_ARGUMENT), Azure's a number; an HTTP code in "code" is the status.
                var statusCode = ToStatus(status) ?? ToStatus(code);
                if (code is null && status is not null && statusCode is null) code = status;
                return new ServerError(message ?? code ?? type ?? "The server reported an error without a message.", code, type, statusCode);
            default:
                reader.Skip();
                return null;   // "error": null
        }
    }

    private static int? ToStatus(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and < 600 ? status : null;

    /// <summary>A string, or the text of a number or boolean; null for null, objects and lists.</summary>
    private static string? Text(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.Number: return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            case JsonTokenType.Null: return null;
            default:
                reader.Skip();
                return null;
        }
    }

    /// <summary>A whole number (a float is truncated, a numeric string parsed); 0 for anything else.</summary>
    private static long Number(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var whole)) return whole;
                return reader.TryGetDouble(out var real) && !double.IsNaN(real) ? (long)Math.Clamp(real, long.MinValue, long.MaxValue) : 0;
            case JsonTokenType.String:
                return long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            default:
                reader.Skip();
                return 0;
        }
    }

    /// <summary>The current value's JSON text, verbatim, from the document it is read from.</summary>
    private static string Raw(ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        return Encoding.UTF8.GetString(source[start..(int)reader.BytesConsumed]);
    }
}
