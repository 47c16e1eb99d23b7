using System.Runtime.Loader;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// The OpenTelemetry SDK pipelines that send the "PsLlm" spans and metrics over OTLP: a
/// TracerProvider with a batch span processor and a MeterProvider with a periodic reader, both
/// with the SDK's own OTLP exporter (no hand-written encoding). Exporting happens on the SDK's
/// background threads, so a slow or absent collector never slows a chat. What is still queued is
/// sent by <see cref="Flush"/>, by <see cref="Dispose"/>, and when the process exits or the
/// engine's load context unloads — so `pwsh -c '…'` loses no spans.
/// </summary>
internal sealed class OtlpExporterHost : IDisposable
{
    /// <summary>How long exiting waits for the collector; an unreachable one must not hang pwsh's exit.</summary>
    public static readonly TimeSpan ExitFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;
    private readonly AssemblyLoadContext? _context;
    private int _disposed;

    public OtlpExporterHost(OtlpExportSettings settings)
    {
        Settings = settings;
        _tracer = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName))
            .AddSource(GenAiTelemetry.SourceName)
            .AddOtlpExporter(options => Configure(options, settings, "traces"))
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName))
            .AddMeter(GenAiTelemetry.MeterName)
            .AddOtlpExporter((options, _) => Configure(options, settings, "metrics"))
            .Build();
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        _context = AssemblyLoadContext.GetLoadContext(typeof(OtlpExporterHost).Assembly);
        if (_context is not null) _context.Unloading += OnUnloading;
    }

    public OtlpExportSettings Settings { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Sends every finished span and the current metrics now; false when the timeout passed first.</summary>
    public bool Flush(TimeSpan timeout)
    {
        if (IsDisposed) return true;
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        var spans = _tracer.ForceFlush(milliseconds);
        var metrics = _meter.ForceFlush(milliseconds);
        return spans && metrics;
    }

    /// <summary>Flushes (bounded by <see cref="ExitFlushTimeout"/>) and stops the pipelines; later spans are not exported.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        if (_context is not null) _context.Unloading -= OnUnloading;
        // One deadline for both pipelines, so an unreachable collector delays exit by at most ExitFlushTimeout.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _tracer.Shutdown(Remaining(clock));
        _meter.Shutdown(Remaining(clock));
        _tracer.Dispose();
        _meter.Dispose();
    }

    private static int Remaining(System.Diagnostics.Stopwatch clock) =>
        (int)Math.Max(0, (ExitFlushTimeout - clock.Elapsed).TotalMilliseconds);

    private void OnExit(object? sender, EventArgs e) => Dispose();

    private void OnUnloading(AssemblyLoadContext context) => Dispose();

    private static void Configure(OtlpExporterOptions options, OtlpExportSettings settings, string signal)
    {
        options.Protocol = settings.Transport == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        // Set explicitly, the endpoint is used as given: the signal path is ours to add.
        options.Endpoint = settings.SignalEndpoint(signal);
        if (settings.Headers.Count == 0) return;
        // Headers go on our own HttpClient rather than through OtlpExporterOptions.Headers: that
        // text form (OTEL_EXPORTER_OTLP_HEADERS) cannot carry a comma or an '=' in a value, which
        // API keys and Basic credentials have. The exporter uses the factory for both transports.
        var timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        options.HttpClientFactory = () =>
        {
            var client = new HttpClient { Timeout = timeout };
            foreach (var (name, value) in settings.Headers) client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
            return client;
        };
    }
}
