namespace PsLlm.Engine.Tools;

/// <summary>The JSON type a tool parameter takes; PowerShell types are mapped onto these.</summary>
public enum ToolValueKind
{
    String,
    Integer,
    Number,
    Boolean,
    Array,
    /// <summary>A free-form object (a hashtable). Strict mode sends it as JSON text instead.</summary>
    Object,
}

/// <summary>
/// One parameter of a tool, described without PowerShell: what <see cref="ToolSchemaBuilder"/>
/// turns into a property of the arguments schema. For arrays, <see cref="AllowedValues"/>,
/// <see cref="Minimum"/> and <see cref="Maximum"/> apply to each item, as ValidateSet and
/// ValidateRange do on a PowerShell array parameter.
/// </summary>
public sealed record ToolParameterSpec
{
    public ToolParameterSpec(string name, ToolValueKind kind)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A tool parameter needs a name.", nameof(name));
        Name = name;
        Kind = kind;
    }

    public string Name { get; }
    public ToolValueKind Kind { get; }
    /// <summary>The item type of an array; ignored for other kinds. Arrays of arrays are not expressed.</summary>
    public ToolValueKind ItemKind { get; init; } = ToolValueKind.String;
    /// <summary>The model must give it (Mandatory in PowerShell).</summary>
    public bool Required { get; init; }
    /// <summary>The only values allowed (ValidateSet, enum names); empty when any value goes.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = Array.Empty<string>();
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    public string? Description { get; init; }

    public override string ToString() => $"{Name}: {(Kind == ToolValueKind.Array ? $"{ItemKind}[]" : Kind.ToString())}{(Required ? " (required)" : string.Empty)}";
}
