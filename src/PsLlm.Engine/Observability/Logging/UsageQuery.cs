namespace PsLlm.Engine.Observability.Logging;

/// <summary>What to total in Get-LlmUsage: how to group the model calls, and which ones.</summary>
public sealed record UsageQuery
{
    /// <summary>Group keys, in order; empty for one grand total.</summary>
    public IReadOnlyList<UsageGrouping> GroupBy { get; init; } = new[] { UsageGrouping.Model };
    public IReadOnlyList<string> Models { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
}

/// <summary>A way to group usage totals.</summary>
public enum UsageGrouping { Model, Tag, Day }
