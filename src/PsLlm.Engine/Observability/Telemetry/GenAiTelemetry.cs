using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// The module's one ActivitySource and Meter, both named "PsLlm", and the GenAI client
/// instruments. Static, so any ActivityListener, MeterListener or OpenTelemetry provider in the
/// process that asks for "PsLlm" sees the spans and measurements, whoever registered the handler.
/// Bucket boundaries are the ones gen-ai-metrics.md (semantic conventions 1.41.1) asks for.
/// </summary>
internal static class GenAiTelemetry
{
    public const string SourceName = "PsLlm";
    public const string MeterName = "PsLlm";

    private static readonly double[] SecondsBuckets = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92 };
    private static readonly long[] TokenBuckets = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864 };

    /// <summary>The module version, reported as the instrumentation scope's version.</summary>
    public static string Version { get; } = typeof(GenAiTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static ActivitySource Source { get; } = new(SourceName, Version);

    public static Meter Meter { get; } = new(MeterName, Version);

    public static Histogram<long> TokenUsage { get; } = Meter.CreateHistogram(
        GenAiConventions.TokenUsageMetric, "{token}", "Number of input and output tokens used.", tags: null,
        new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });

    public static Histogram<double> OperationDuration { get; } = Meter.CreateHistogram(
        GenAiConventions.OperationDurationMetric, "s", "GenAI operation duration.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static Histogram<double> TimeToFirstChunk { get; } = Meter.CreateHistogram(
        GenAiConventions.TimeToFirstChunkMetric, "s",
        "Time to receive the first chunk, from issuing the request to the first chunk of the response stream.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
}
