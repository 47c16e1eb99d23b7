namespace PsLlm.Engine.Wire;

/// <summary>
/// Finish reasons as PsLlm reports them. Servers compare case-insensitively and use other names
/// for the standard ones: Together's <c>eos</c>, Anthropic's <c>end_turn</c>/<c>stop_sequence</c>,
/// Mistral's <c>model_length</c>, Gemini's upper-case <c>STOP</c>/<c>MAX_TOKENS</c>/<c>SAFETY</c>, a
/// gateway's <c>FinishReason.MAX_TOKENS</c>. <c>""</c> and <c>"null"</c> mean none. Anything else
/// is kept as the server sent it.
/// </summary>
internal static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string ToolCalls = "tool_calls";
    public const string ContentFilter = "content_filter";
    /// <summary>Not a way to finish: the server failed while answering (OpenRouter, Mistral).</summary>
    public const string Error = "error";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["stop"] = Stop,
        ["eos"] = Stop,
        ["end_turn"] = Stop,
        ["stop_sequence"] = Stop,
        ["pause_turn"] = Stop,
        ["length"] = Length,
        ["max_tokens"] = Length,
        ["model_length"] = Length,
        ["model_context_window_exceeded"] = Length,
        ["tool_calls"] = ToolCalls,
        ["tool_use"] = ToolCalls,
        ["function_call"] = "function_call",
        ["content_filter"] = ContentFilter,
        ["safety"] = ContentFilter,
        ["recitation"] = ContentFilter,
        ["blocklist"] = ContentFilter,
        ["prohibited_content"] = ContentFilter,
        ["spii"] = ContentFilter,
        ["refusal"] = ContentFilter,
        ["error"] = Error,
    };

    /// <summary>True for no reason at all: null, "", "null" (KoboldCpp), or whitespace.</summary>
    public static bool IsAbsent(string? reason) =>
        string.IsNullOrWhiteSpace(reason) || string.Equals(reason, "null", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason as PsLlm reports it; null when the server gave none.</summary>
    public static string? Normalize(string? reason)
    {
        if (IsAbsent(reason)) return null;
        var name = reason!.Trim();
        // A Python enum's text leaking through a gateway: "FinishReason.MAX_TOKENS".
        var dot = name.LastIndexOf('.');
        if (dot > 0 && dot < name.Length - 1 && name.StartsWith("FinishReason.", StringComparison.OrdinalIgnoreCase)) name = name[(dot + 1)..];
        return Aliases.TryGetValue(name, out var standard) ? standard : name;
    }
}
