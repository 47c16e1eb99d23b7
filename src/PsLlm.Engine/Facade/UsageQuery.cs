using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Engine;

/// <summary>What to total in Get-LlmUsage: how to group the model calls, and which ones.</summary>
public sealed record UsageQuery
{
    /// <summary>Model, Tag and/or Day (any case), in order; empty for one grand total.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = new[] { "Model" };
    /// <summary>Model names or wildcard patterns, matched against the model asked for and the one that answered.</summary>
    public IReadOnlyList<string> Models { get; init; } = Array.Empty<string>();
    /// <summary>Calls carrying any of these tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Calls that started at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Calls that started before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The group keys, each once, in the order given.</summary>
    internal IReadOnlyList<UsageGrouping> Groupings() =>
        GroupBy.Select(g => Enum.TryParse<UsageGrouping>(g, ignoreCase: true, out var grouping) && Enum.IsDefined(grouping) && !int.TryParse(g, out _)
            ? grouping
            : throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidUsageGrouping", $"'{g}' is not a way to group usage: use Model, Tag or Day.") { ParameterName = "GroupBy" }).Distinct().ToArray();
}
