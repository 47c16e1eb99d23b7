namespace PsLlm.Engine.Wire;

/// <summary>
/// What one chat-completions JSON object says — a streamed chunk or a whole completion — read
/// leniently by <see cref="CompletionJson"/>. One instance is reused for every chunk of a stream.
/// </summary>
internal sealed class CompletionChunk
{
    public string? Id { get; set; }
    public string? Model { get; set; }
    /// <summary>The object had a "choices" key (possibly an empty list).</summary>
    public bool HasChoicesKey { get; set; }
    /// <summary>At least one choice was present.</summary>
    public bool HasChoice { get; set; }
    /// <summary>The choice held "message" (a whole answer) rather than "delta".</summary>
    public bool IsMessage { get; set; }
    /// <summary>Answer text: the string content, or the text parts of a content list.</summary>
    public string? Content { get; set; }
    /// <summary>Reasoning text: reasoning_content, reasoning, reasoning_details, cot_summary or thinking parts.</summary>
    public string? Reasoning { get; set; }
    public string? Refusal { get; set; }
    /// <summary>As the server sent it; see <see cref="FinishReasons"/>.</summary>
    public string? FinishReason { get; set; }
    public List<ToolCallDelta> ToolCalls { get; } = new();
    public TokenUsage? Usage { get; set; }
    /// <summary>An error the object carries (a stream's error frame, an error body).</summary>
    public ServerError? Error { get; set; }
    /// <summary>
    /// Object-valued fields of the message or delta that PsLlm does not interpret (Gemini's
    /// extra_content, …), as raw JSON, to be sent back with the assistant message.
    /// </summary>
    public Dictionary<string, string>? MessageFields { get; set; }

    public void Reset()
    {
        Id = null;
        Model = null;
        HasChoicesKey = false;
        HasChoice = false;
        IsMessage = false;
        Content = null;
        Reasoning = null;
        Refusal = null;
        FinishReason = null;
        ToolCalls.Clear();
        Usage = null;
        Error = null;
        MessageFields = null;
    }
}

/// <summary>A piece of a tool call as one chunk carries it (a whole call in a complete message).</summary>
internal sealed class ToolCallDelta
{
    /// <summary>Null when the server sends no index (Gemini).</summary>
    public int? Index { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    /// <summary>A piece of the arguments' JSON text (all of it in a whole message).</summary>
    public string? Arguments { get; set; }
    /// <summary>Fields of the call PsLlm does not interpret, as raw JSON, to be echoed back verbatim.</summary>
    public Dictionary<string, string>? Fields { get; set; }
}

/// <summary>An error a server reported, in any of the shapes servers use.</summary>
internal sealed record ServerError(string Message, string? Code, string? Type, int? Status)
{
    public override string ToString() => Code is null ? Message : $"{Message} ({Code})";
}
