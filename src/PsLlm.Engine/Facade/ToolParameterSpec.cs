namespace PsLlm.Engine;

/// <summary>
/// One parameter of a tool, described without PowerShell: what <see cref="ToolRules.Schema"/>
/// turns into a property of the arguments schema. For arrays, <see cref="AllowedValues"/>,
/// <see cref="Minimum"/> and <see cref="Maximum"/> apply to each item, as ValidateSet and
/// ValidateRange do on a PowerShell array parameter.
/// </summary>
public sealed record ToolParameterSpec
{
    /// <summary>A parameter named <paramref name="name"/> taking values of <paramref name="kind"/>.</summary>
    public ToolParameterSpec(string name, ToolValueKind kind)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A tool parameter needs a name.", nameof(name));
        Name = name;
        Kind = kind;
    }

    /// <summary>The name the model uses (the PowerShell parameter's name).</summary>
    public string Name { get; }
    /// <summary>The JSON type of its value.</summary>
    public ToolValueKind Kind { get; }
    /// <summary>The item type of an array; ignored for other kinds. Arrays of arrays are not expressed.</summary>
    public ToolValueKind ItemKind { get; init; } = ToolValueKind.String;
    /// <summary>The model must give it (Mandatory in PowerShell).</summary>
    public bool Required { get; init; }
    /// <summary>The only values allowed (ValidateSet, enum names); empty when any value goes.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = Array.Empty<string>();
    /// <summary>The smallest value allowed (ValidateRange); null when there is none.</summary>
    public double? Minimum { get; init; }
    /// <summary>The largest value allowed (ValidateRange); null when there is none.</summary>
    public double? Maximum { get; init; }
    /// <summary>What the parameter means, for the model (its help text).</summary>
    public string? Description { get; init; }

    /// <summary>"Name: Kind", with "(required)" when it is.</summary>
    public override string ToString() => $"{Name}: {(Kind == ToolValueKind.Array ? $"{ItemKind}[]" : Kind.ToString())}{(Required ? " (required)" : string.Empty)}";
}
