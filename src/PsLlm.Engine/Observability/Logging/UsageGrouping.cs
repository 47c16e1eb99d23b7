namespace PsLlm.Engine.Observability.Logging;

/// <summary>A way to group usage totals.</summary>
internal enum UsageGrouping { Model, Tag, Day }
