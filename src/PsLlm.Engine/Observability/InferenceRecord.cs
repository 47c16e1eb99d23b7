using System.Text.Json;
using PsLlm.Engine.Chat;

namespace PsLlm.Engine.Observability;

/// <summary>
/// One model call as an inference-monitoring service (Arthur, and collectors like it) wants it:
/// the prompt, the completion, model, usage, timings, finish reason, tags and metadata, or the
/// error. Built from the ChatModelStart and the LlmEnd or LlmError of one run; when the start was
/// not seen (the handler was added mid-run or filtered it out) the end alone still makes a record.
/// Holds no credentials: events never carry them.
/// </summary>
internal sealed class InferenceRecord
{
    /// <summary>The record format, so collectors can tell versions apart.</summary>
    public const string Format = "psllm.inference";
    public const int Version = 1;

    /// <summary>The LLM run (its RunId).</summary>
    public Guid InferenceId { get; init; }
    /// <summary>The chain run of the Invoke-LlmChat (or Invoke-LlmChain) that made the call.</summary>
    public Guid? ParentRunId { get; init; }
    /// <summary>"success" or "error".</summary>
    public string Status { get; init; } = "success";
    /// <summary>When the request started (UTC), or the end when the start was not seen.</summary>
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    /// <summary>The model that answered, else the one asked for.</summary>
    public string Model { get; init; } = string.Empty;
    public string RequestedModel { get; init; } = string.Empty;
    public string Endpoint { get; init; } = string.Empty;
    public IReadOnlyList<ChatMessage> Prompt { get; init; } = Array.Empty<ChatMessage>();
    public string Completion { get; init; } = string.Empty;
    public string FinishReason { get; init; } = string.Empty;
    public TokenUsage? Usage { get; init; }
    public TimeSpan? Duration { get; init; }
    public TimeSpan? TimeToFirstToken { get; init; }
    public string ResponseId { get; init; } = string.Empty;
    /// <summary>The tools run while answering (on the final answer of a chat that used tools).</summary>
    public IReadOnlyList<ToolCallResult> ToolCalls { get; init; } = Array.Empty<ToolCallResult>();
    public IReadOnlyDictionary<string, object?> InvocationParameters { get; init; } = new Dictionary<string, object?>();
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = new Dictionary<string, object?>();
    public Exception? Error { get; init; }

    /// <summary>A successful call: the response, with the request from its start when known.</summary>
    public static InferenceRecord From(ChatModelStartEvent? start, LlmEndEvent end)
    {
        var response = end.Response;
        return new InferenceRecord
        {
            InferenceId = end.RunId,
            ParentRunId = end.ParentRunId,
            Status = "success",
            StartTime = start?.Timestamp ?? end.Timestamp - response.Duration,
            EndTime = end.Timestamp,
            Model = string.IsNullOrEmpty(response.Model) ? start?.Model ?? string.Empty : response.Model,
            RequestedModel = start?.Model ?? string.Empty,
            Endpoint = start?.Endpoint ?? string.Empty,
            Prompt = start?.Messages ?? response.Messages,
            Completion = response.Text,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            Duration = response.Duration,
            TimeToFirstToken = response.TimeToFirstToken,
            ResponseId = response.ResponseId,
            ToolCalls = response.ToolCalls,
            InvocationParameters = start?.InvocationParameters ?? new Dictionary<string, object?>(),
            Tags = end.Tags,
            Metadata = end.Metadata,
        };
    }

    /// <summary>A failed or stopped call: what was asked, what arrived before the failure, and the error.</summary>
    public static InferenceRecord From(ChatModelStartEvent? start, LlmErrorEvent error)
    {
        var partial = (error.Error as LlmException)?.PartialResponse;
        return new InferenceRecord
        {
            InferenceId = error.RunId,
            ParentRunId = error.ParentRunId,
            // A consumer that stopped reading (Select-Object -First) ended the call as asked.
            Status = error.Error is LlmException { Kind: LlmErrorKind.Stopped } ? "stopped" : "error",
            StartTime = start?.Timestamp ?? error.Timestamp,
            EndTime = error.Timestamp,
            Model = string.IsNullOrEmpty(partial?.Model) ? start?.Model ?? string.Empty : partial!.Model,
            RequestedModel = start?.Model ?? string.Empty,
            Endpoint = start?.Endpoint ?? string.Empty,
            Prompt = start?.Messages ?? partial?.Messages ?? Array.Empty<ChatMessage>(),
            Completion = error.PartialText,
            FinishReason = partial?.FinishReason ?? string.Empty,
            Usage = partial?.Usage,
            Duration = start is null ? partial?.Duration : error.Timestamp - start.Timestamp,
            TimeToFirstToken = partial?.TimeToFirstToken,
            ResponseId = partial?.ResponseId ?? string.Empty,
            InvocationParameters = start?.InvocationParameters ?? new Dictionary<string, object?>(),
            Tags = error.Tags,
            Metadata = error.Metadata,
            Error = error.Error,
        };
    }

    /// <summary>The record as the JSON body that is POSTed.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, LlmEventJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteString("inferenceId", InferenceId);
            if (ParentRunId is { } parent) w.WriteString("parentRunId", parent);
            else w.WriteNull("parentRunId");
            w.WriteString("status", Status);
            w.WriteString("startTime", LlmEventJson.Timestamp(StartTime));
            w.WriteString("endTime", LlmEventJson.Timestamp(EndTime));
            w.WriteString("model", Model);
            w.WriteString("requestedModel", RequestedModel);
            w.WriteString("endpoint", EndpointRules.Redact(Endpoint));
            LlmEventJson.WriteMessages(w, "prompt", Prompt, excludeContent: false);
            w.WriteString("completion", Completion);
            w.WriteString("finishReason", FinishReason);
            LlmEventJson.WriteUsage(w, "usage", Usage);
            WriteMilliseconds(w, "durationMs", Duration);
            WriteMilliseconds(w, "timeToFirstTokenMs", TimeToFirstToken);
            w.WriteString("responseId", ResponseId);
            LlmEventJson.WriteToolCalls(w, "toolCalls", ToolCalls, excludeContent: false);
            LlmEventJson.WriteObject(w, "invocationParameters", InvocationParameters);
            LlmEventJson.WriteTags(w, Tags);
            LlmEventJson.WriteMetadata(w, Metadata);
            LlmEventJson.WriteError(w, "error", Error);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteMilliseconds(Utf8JsonWriter w, string name, TimeSpan? span)
    {
        if (span is { } value) w.WriteNumber(name, LlmEventJson.Milliseconds(value));
        else w.WriteNull(name);
    }
}
