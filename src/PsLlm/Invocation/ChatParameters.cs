using System.Collections;

namespace PsLlm.Invocation;

/// <summary>Invoke-LlmChat's bound parameters for one input object.</summary>
internal sealed record ChatParameters
{
    public string? Prompt { get; init; }
    /// <summary>The object piped in for this chat, kept on its response and errors to match them to it.</summary>
    public object? InputObject { get; init; }
    /// <summary>Files and image URLs to send with the prompt, as given (-Attachment, /attach).</summary>
    public string[]? Attachment { get; init; }
    public string? System { get; init; }
    public LlmClient? Client { get; init; }
    public string? Model { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public string[]? Stop { get; init; }
    public long? Seed { get; init; }
    public bool Stream { get; init; }
    /// <summary>-Stream writes reasoning tokens too.</summary>
    public bool IncludeReasoning { get; init; }
    public bool AsEvents { get; init; }
    public object[]? Callback { get; init; }
    public string[]? Tag { get; init; }
    public Hashtable? Metadata { get; init; }
    public ChatSession? Session { get; init; }
    public LlmTool[]? Tool { get; init; }
    public string? ToolChoice { get; init; }
    public int MaxToolRounds { get; init; } = 8;
    public object? JsonSchema { get; init; }
    public string SchemaName { get; init; } = "response";
    public bool JsonMode { get; init; }
    /// <summary>Write streamed tokens to the pipeline (-Stream); false when the caller shows them itself.</summary>
    public bool WriteTokens { get; init; } = true;
    /// <summary>Stops this chat alone, keeping what arrived (Start-LlmChat's Ctrl+C); null: only the command's stop.</summary>
    public TurnInterrupt? Interrupt { get; init; }
    /// <summary>Delivery handlers a calling cmdlet adds for this chat only (e.g. Start-LlmChat's host writer).</summary>
    public IReadOnlyList<CallbackHandler> ExtraHandlers { get; init; } = Array.Empty<CallbackHandler>();
    /// <summary>Show Write-Progress for a pipeline of chats (not for one chat, nor while tokens stream).</summary>
    public bool ShowProgress { get; init; }
    /// <summary>Asks whether an approval-gated tool may run; null: the cmdlet's ShouldProcess.</summary>
    public Func<LlmTool, ToolCall, bool>? ApproveTool { get; init; }
}
