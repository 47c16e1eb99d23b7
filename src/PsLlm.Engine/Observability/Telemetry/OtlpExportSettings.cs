namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// Where and how spans and metrics are exported, resolved the way every OpenTelemetry SDK does:
/// an explicit value, else the standard OTEL_* variable, else the OTLP default. The endpoint is
/// the collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT semantics): for http/protobuf the
/// signal paths /v1/traces and /v1/metrics are appended. Header values are secrets (API keys):
/// kept out of ToString and every property but <see cref="Headers"/>.
/// </summary>
internal sealed class OtlpExportSettings
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";
    public const string DefaultServiceName = "PsLlm";

    private OtlpExportSettings(Uri endpoint, OtlpTransport transport, IReadOnlyDictionary<string, string> headers, string serviceName)
    {
        Endpoint = endpoint;
        Transport = transport;
        Headers = headers;
        ServiceName = serviceName;
    }

    /// <summary>The collector's base URL, e.g. http://localhost:4318.</summary>
    public Uri Endpoint { get; }
    public OtlpTransport Transport { get; }
    /// <summary>Sent with every export (e.g. an API key for a hosted backend).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
    /// <summary>The resource's service.name.</summary>
    public string ServiceName { get; }

    /// <summary>
    /// Resolves the settings; null arguments fall back to OTEL_EXPORTER_OTLP_PROTOCOL (grpc or
    /// http/protobuf; anything else, such as http/json, means http/protobuf),
    /// OTEL_EXPORTER_OTLP_ENDPOINT (else localhost:4317 for gRPC, localhost:4318 for HTTP) and
    /// OTEL_SERVICE_NAME (else "PsLlm"). Throws <see cref="LlmException"/> for a bad endpoint or header name.
    /// </summary>
    public static OtlpExportSettings Resolve(string? endpoint, OtlpTransport? transport, IReadOnlyDictionary<string, string>? headers, string? serviceName)
    {
        var protocol = transport ?? FromEnvironment(Environment.GetEnvironmentVariable(ProtocolVariable));
        var text = !string.IsNullOrWhiteSpace(endpoint) ? endpoint!
            : Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : protocol == OtlpTransport.Grpc ? "http://localhost:4317" : "http://localhost:4318";
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c is ':' or ',' or '='))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidHeader", $"'{name}' is not a valid HTTP header name.") { ParameterName = "Header" };
            copy[name] = value;
        }
        var service = !string.IsNullOrWhiteSpace(serviceName) ? serviceName!.Trim()
            : Environment.GetEnvironmentVariable(ServiceNameVariable) is { Length: > 0 } named ? named.Trim()
            : DefaultServiceName;
        return new OtlpExportSettings(ParseEndpoint(text), protocol, copy, service);
    }

    /// <summary>Where one signal ("traces", "metrics") goes: base + /v1/{signal} over HTTP, the base itself over gRPC.</summary>
    public Uri SignalEndpoint(string signal)
    {
        if (Transport == OtlpTransport.Grpc) return Endpoint;
        var baseUrl = Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{baseUrl}/v1/{signal}");
    }

    public override string ToString() => $"{Endpoint} ({(Transport == OtlpTransport.Grpc ? "grpc" : "http/protobuf")}, service {ServiceName})";

    private static OtlpTransport FromEnvironment(string? value) =>
        string.Equals(value?.Trim(), "grpc", StringComparison.OrdinalIgnoreCase) ? OtlpTransport.Grpc : OtlpTransport.HttpProtobuf;

    private static Uri ParseEndpoint(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidEndpoint",
                $"'{text}' is not a valid OTLP endpoint. Give the collector's base URL, e.g. http://localhost:4318 (http/protobuf) or http://localhost:4317 (grpc).")
            { ParameterName = "Endpoint" };
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidEndpoint",
                "The OTLP endpoint must not carry credentials in the URL; use -Header.") { ParameterName = "Endpoint" };
        // A full signal URL (…/v1/traces) is taken as its base, the mistake everyone makes once.
        var path = uri.AbsolutePath.TrimEnd('/');
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
            if (path.EndsWith(signal, StringComparison.OrdinalIgnoreCase))
                return new UriBuilder(uri) { Path = path[..^signal.Length] }.Uri;
        return uri;
    }
}
