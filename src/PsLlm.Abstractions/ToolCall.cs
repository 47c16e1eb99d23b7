namespace PsLlm;

/// <summary>A tool call the model asked for: its id, the tool's name and the JSON arguments.</summary>
public sealed class ToolCall
{
    /// <summary>A call of tool <paramref name="name"/> with <paramref name="arguments"/> (JSON text) and the model's <paramref name="id"/> for it.</summary>
    public ToolCall(string id, string name, string arguments)
    {
        Id = id;
        Name = name;
        Arguments = arguments;
    }

    /// <summary>The model's id for the call; the tool's result answers it.</summary>
    public string Id { get; }
    /// <summary>The tool asked for.</summary>
    public string Name { get; }
    /// <summary>The arguments as JSON text, as the model wrote them.</summary>
    public string Arguments { get; }
    /// <summary>
    /// Fields the server attached to the call that PsLlm does not interpret (Gemini's
    /// <c>extra_content</c> with its thought signature), each as raw JSON text. They are sent back
    /// verbatim with the call in the follow-up request and kept in session history.
    /// </summary>
    public IReadOnlyDictionary<string, string> ProviderFields { get; init; } = NoFields;

    /// <summary>An empty set of provider fields.</summary>
    public static IReadOnlyDictionary<string, string> NoFields { get; } = new Dictionary<string, string>();

    /// <summary>"name(arguments)".</summary>
    public override string ToString() => $"{Name}({Arguments})";
}
