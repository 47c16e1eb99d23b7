namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>The OTLP transports the OpenTelemetry exporter offers (OTLP/JSON it does not).</summary>
internal enum OtlpTransport
{
    /// <summary>http/protobuf, default port 4318, paths /v1/traces and /v1/metrics.</summary>
    HttpProtobuf,
    /// <summary>gRPC over HTTP/2, default port 4317.</summary>
    Grpc,
}
