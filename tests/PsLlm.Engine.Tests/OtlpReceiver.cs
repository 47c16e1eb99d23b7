using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

using PsLlm.FakeOpenAI;

namespace PsLlm.Engine.Tests;

/// <summary>
/// A loopback OTLP collector for tests: Kestrel on 127.0.0.1:0 answering OTLP/HTTP
/// (POST /v1/traces, /v1/metrics over HTTP/1.1) or OTLP/gRPC (TraceService/Export,
/// MetricsService/Export over cleartext HTTP/2), recording every export and decoding it with
/// <see cref="OtlpRequestDecoder"/>. It answers success with an empty response message.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<OtlpExportRequest> _requests = new();

    private OtlpReceiver(bool grpc) => Grpc = grpc;

    public bool Grpc { get; }

    /// <summary>The collector's base URL, e.g. http://127.0.0.1:43117 (what -Endpoint takes).</summary>
    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<OtlpExportRequest> Requests => _requests.ToArray();

    public IReadOnlyList<ExportedSpan> Spans =>
        Requests.Where(r => r.Signal == "traces").SelectMany(r => OtlpRequestDecoder.Spans(r.Body)).ToArray();

    public IReadOnlyList<ExportedMetric> Metrics =>
        Requests.Where(r => r.Signal == "metrics").SelectMany(r => OtlpRequestDecoder.Metrics(r.Body)).ToArray();

    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        var receiver = new OtlpReceiver(grpc);
        // Cleartext gRPC is HTTP/2 with prior knowledge, which Kestrel offers only on an HTTP/2-only endpoint.
        (receiver._app, var port) = await LoopbackHost.StartAsync(receiver.HandleAsync, grpc ? HttpProtocols.Http2 : HttpProtocols.Http1);
        receiver.BaseUri = new Uri($"http://127.0.0.1:{port}");
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var path = context.Request.Path.Value ?? "/";
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var signal = path.Contains("trace", StringComparison.OrdinalIgnoreCase) ? "traces"
            : path.Contains("metric", StringComparison.OrdinalIgnoreCase) ? "metrics"
            : "other";
        if (Grpc)
        {
            // A gRPC message is framed: 1 byte compressed flag, 4 bytes big-endian length, the message.
            body = body.Length >= 5 ? body[5..] : Array.Empty<byte>();
            _requests.Enqueue(new OtlpExportRequest(path, signal, context.Request.Protocol, headers, body));
            context.Response.ContentType = "application/grpc";
            context.Response.AppendTrailer("grpc-status", "0");
            await context.Response.Body.WriteAsync(new byte[5]);
            return;
        }
        _requests.Enqueue(new OtlpExportRequest(path, signal, context.Request.Protocol, headers, body));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One export the receiver got: the path, which signal, the HTTP version, headers and the protobuf message.</summary>
internal sealed record OtlpExportRequest(string Path, string Signal, string Protocol, IReadOnlyDictionary<string, string> Headers, byte[] Body);
