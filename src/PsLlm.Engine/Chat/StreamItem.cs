using PsLlm.Engine.Transport;

namespace PsLlm.Engine.Chat;

/// <summary>
/// What the background HTTP reader hands to the run's thread; only primitives and PsLlm types,
/// so everything after the queue is independent of the wire format.
/// </summary>
internal abstract record StreamItem(TimeSpan Elapsed);

/// <summary>A streamed piece of the answer or of the reasoning.</summary>
internal sealed record TokenItem(TimeSpan Elapsed, string Text, ChatTokenKind Kind) : StreamItem(Elapsed);

internal sealed record ResponseInfoItem(TimeSpan Elapsed, string ResponseId, string Model) : StreamItem(Elapsed);

internal sealed record RefusalItem(TimeSpan Elapsed, string Text) : StreamItem(Elapsed);

/// <summary>The finish reason, normalized (see Wire.FinishReasons).</summary>
internal sealed record FinishItem(TimeSpan Elapsed, string Reason) : StreamItem(Elapsed);

internal sealed record UsageItem(TimeSpan Elapsed, TokenUsage Usage) : StreamItem(Elapsed);

/// <summary>A whole non-streamed answer.</summary>
internal sealed record CompletionItem(TimeSpan Elapsed, string Text, string? Reasoning, string? Refusal, string FinishReason, TokenUsage? Usage, string ResponseId, string Model) : StreamItem(Elapsed);

internal sealed record RetryItem(TimeSpan Elapsed, RetryNotice Notice) : StreamItem(Elapsed);

internal sealed record ErrorItem(TimeSpan Elapsed, Exception Error) : StreamItem(Elapsed);

/// <summary>The tool calls of an answer, assembled from streamed pieces or read whole.</summary>
internal sealed record ToolCallsItem(TimeSpan Elapsed, IReadOnlyList<ToolCall> Calls) : StreamItem(Elapsed);

/// <summary>Fields the server attached to the assistant message, to be sent back with it.</summary>
internal sealed record MessageFieldsItem(TimeSpan Elapsed, IReadOnlyDictionary<string, string> Fields) : StreamItem(Elapsed);
