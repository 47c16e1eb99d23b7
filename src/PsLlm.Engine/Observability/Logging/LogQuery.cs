namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Which runs Get-LlmLog returns. Every filter given must hold; list filters (models, tags, kinds,
/// run ids) match any of their values.
/// </summary>
public sealed record LogQuery
{
    /// <summary>The most recent this many matches, returned oldest first; 0 for all.</summary>
    public int Last { get; init; } = 20;
    /// <summary>Full-text search over prompts and responses (words, all required; "word*" for a prefix).</summary>
    public string? Search { get; init; }
    /// <summary>Model names or wildcard patterns, matched against the model asked for and the one that answered.</summary>
    public IReadOnlyList<string> Models { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Kinds of run; empty for every kind.</summary>
    public IReadOnlyList<RunKind> Kinds { get; init; } = Array.Empty<RunKind>();
    public IReadOnlyList<Guid> RunIds { get; init; } = Array.Empty<Guid>();
    /// <summary>Runs that started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Runs that started before this time.</summary>
    public DateTimeOffset? Until { get; init; }
    /// <summary>Only failed or stopped runs.</summary>
    public bool ErrorsOnly { get; init; }
}
