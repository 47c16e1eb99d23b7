using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// A scripted answer for exactly one <c>/v1/chat/completions</c> request. Everything is optional:
/// an empty reply is a successful, empty assistant message.
/// </summary>
public sealed partial class FakeReply
{
    private string? _finishReason;

    /// <summary>
    /// When set, this reply answers only a request whose last user message is this text (taken
    /// before replies for any prompt), so concurrent requests get their own replies.
    /// </summary>
    public string? ForPrompt { get; set; }

    /// <summary>Full assistant text; split into word-sized tokens when <see cref="Tokens"/> is null.</summary>
    public string? Text { get; set; }

    /// <summary>Explicit token pieces, streamed one SSE chunk each.</summary>
    public List<string>? Tokens { get; set; }

    /// <summary>Delay before each streamed token chunk, and before a non-streamed body.</summary>
    public int DelayMs { get; set; }

    /// <summary>Extra delay before the first chunk (after the response headers went out), or before a non-streamed body.</summary>
    public int FirstTokenDelayMs { get; set; }

    /// <summary>Anything other than 200 produces an OpenAI-style error body (or <see cref="Body"/> if set).</summary>
    public int Status { get; set; } = 200;

    public string? ErrorMessage { get; set; }

    public string? ErrorCode { get; set; }

    /// <summary>Sent verbatim instead of a generated body. A JSON array of strings is sent as SSE frames, like a streamed recording.</summary>
    public JsonNode? Body { get; set; }

    /// <summary>Extra response headers, e.g. <c>Retry-After</c>.</summary>
    [JsonConverter(typeof(LenientStringDictionaryConverter))]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>After this many token chunks the connection is aborted without a finish chunk or <c>[DONE]</c>.
    /// For non-streamed requests any value aborts before the body is written.</summary>
    public int? DisconnectAfterTokens { get; set; }

    /// <summary>After this many token chunks the stream goes silent for <see cref="StallMs"/>, then goes on.</summary>
    public int? StallAfterTokens { get; set; }

    public int StallMs { get; set; }

    public List<FakeToolCall>? ToolCalls { get; set; }

    /// <summary>Defaults to <c>tool_calls</c> when <see cref="ToolCalls"/> is non-empty, otherwise <c>stop</c>.</summary>
    public string FinishReason
    {
        get => _finishReason ?? (ToolCalls is { Count: > 0 } ? "tool_calls" : "stop");
        set => _finishReason = value;
    }

    /// <summary>Model echoed in the response; null or empty echoes the request's model.</summary>
    public string Model { get; set; } = "fake-model";

    public int? PromptTokens { get; set; }

    public int? CompletionTokens { get; set; }

    /// <summary>Answer 400 to requests carrying <c>stream_options</c>, like some OpenAI-compatible servers.
    /// The reply stays queued in that case so the client's retry without <c>stream_options</c> gets it.</summary>
    public bool RejectStreamOptions { get; set; }

    public string? Refusal { get; set; }

    /// <summary>
    /// The id of a <see cref="Dialects.DialectCase"/>: the reply is that real server's bytes (its
    /// plain or streamed variant, as the request asks) instead of a generated answer.
    /// </summary>
    public string? Dialect { get; set; }

    internal IReadOnlyList<string> ResolveTokens() => Tokens ?? SplitIntoTokens(Text);

    /// <summary>The non-streamed message content, or null when the reply is only tool calls or a refusal.</summary>
    internal string? ResolveContent()
    {
        if (Text is not null)
        {
            return Text;
        }

        if (Tokens is not null)
        {
            return string.Concat(Tokens);
        }

        return ToolCalls is { Count: > 0 } || Refusal is not null ? null : "";
    }

    /// <summary>"Hello world!" becomes "Hello ", "world!": each word keeps its trailing whitespace so the pieces concatenate back exactly.</summary>
    internal static IReadOnlyList<string> SplitIntoTokens(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var pieces = WordWithTrailingSpace().Matches(text).Select(m => m.Value).ToList();
        return pieces.Count == 0 ? [text] : pieces;
    }

    [GeneratedRegex(@"\s*\S+\s*")]
    private static partial Regex WordWithTrailingSpace();
}
