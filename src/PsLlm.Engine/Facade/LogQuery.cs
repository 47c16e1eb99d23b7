using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Engine;

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
    /// <summary>Runs carrying any of these tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Kinds of run: Chain, Llm, Tool (any case); null, empty or All for every kind.</summary>
    public IReadOnlyList<string>? Kinds { get; init; }
    /// <summary>These runs only.</summary>
    public IReadOnlyList<Guid> RunIds { get; init; } = Array.Empty<Guid>();
    /// <summary>Runs that started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Runs that started before this time.</summary>
    public DateTimeOffset? Until { get; init; }
    /// <summary>Only failed or stopped runs.</summary>
    public bool ErrorsOnly { get; init; }

    /// <summary>The kinds to match; empty for every kind.</summary>
    internal IReadOnlyList<RunKind> RunKinds()
    {
        if (Kinds is null || Kinds.Any(k => string.Equals(k, "All", StringComparison.OrdinalIgnoreCase))) return Array.Empty<RunKind>();
        return Kinds.Select(k => Enum.TryParse<RunKind>(k, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(k, out _)
            ? kind
            : throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidRunKind", $"'{k}' is not a kind of run: use Chain, Llm, Tool or All.") { ParameterName = "Kind" }).Distinct().ToArray();
    }
}
