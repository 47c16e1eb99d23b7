namespace PsLlm;

/// <summary>A tool call the model asked for: its id, the tool's name and the JSON arguments.</summary>
public sealed class ToolCall
{
    public ToolCall(string id, string name, string arguments)
    {
        Id = id;
        Name = name;
        Arguments = arguments;
    }

    public string Id { get; }
    public string Name { get; }
    /// <summary>The arguments as JSON text, as the model wrote them.</summary>
    public string Arguments { get; }

    public override string ToString() => $"{Name}({Arguments})";
}
