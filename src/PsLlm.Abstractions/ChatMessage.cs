namespace PsLlm;

/// <summary>One message of a conversation as the module sees it: a role and its text.</summary>
public sealed class ChatMessage
{
    /// <summary>A message of <paramref name="role"/> (system, user, assistant, tool) with text <paramref name="content"/>.</summary>
    public ChatMessage(string role, string content)
    {
        Role = role;
        Content = content;
        Parts = new[] { content };
    }

    /// <summary>A message sent as several text parts (an array of text content parts on the wire).</summary>
    public ChatMessage(string role, IEnumerable<string> parts)
    {
        Role = role;
        Parts = parts.ToArray();
        Content = string.Join("\n", Parts);
        IsMultipart = true;
    }

    /// <summary>system, user, assistant or tool.</summary>
    public string Role { get; }
    /// <summary>The text (parts joined by new lines).</summary>
    public string Content { get; }
    /// <summary>The text parts as sent.</summary>
    public IReadOnlyList<string> Parts { get; }
    /// <summary>True when the content goes out as an array of parts rather than one string.</summary>
    public bool IsMultipart { get; }
    /// <summary>Files and images sent with a user message, after its text.</summary>
    public IReadOnlyList<ChatAttachment> Attachments { get; init; } = Array.Empty<ChatAttachment>();
    /// <summary>For an assistant message: the tools the model asked to run.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = Array.Empty<ToolCall>();
    /// <summary>For a tool message: the call it answers.</summary>
    public string? ToolCallId { get; init; }
    /// <summary>For a tool message: the tool's name.</summary>
    public string? Name { get; init; }
    /// <summary>
    /// For an assistant message: object-valued fields the server attached that PsLlm does not
    /// interpret, each as raw JSON text; sent back verbatim with the message.
    /// </summary>
    public IReadOnlyDictionary<string, string> ProviderFields { get; init; } = ToolCall.NoFields;

    /// <summary>"role: content" (with the names of its attachments), or the tool calls of an assistant message that made some.</summary>
    public override string ToString() => ToolCalls.Count > 0
        ? $"{Role}: {string.Join(", ", ToolCalls)}"
        : Attachments.Count > 0 ? $"{Role}: {Content} [{string.Join(", ", Attachments.Select(a => a.Name))}]" : $"{Role}: {Content}";
}
