using System.Buffers.Binary;
using System.Text;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Reads OTLP ExportTraceServiceRequest and ExportMetricsServiceRequest messages with a minimal
/// protobuf field reader, written here because no OTLP proto classes are available offline. Only
/// the fields the tests look at (opentelemetry/proto/{trace,metrics,common,resource}/v1 field
/// numbers) are decoded; everything else is skipped by wire type, as protobuf allows.
/// </summary>
internal static class OtlpRequestDecoder
{
    public static IEnumerable<ExportedSpan> Spans(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))           // ExportTraceServiceRequest.resource_spans
        {
            var resource = Resource(resourceSpans.Bytes);
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2)) // ResourceSpans.scope_spans
            {
                var scope = ScopeName(scopeSpans.Bytes);
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))      // ScopeSpans.spans
                    yield return Span(span.Bytes, scope, resource);
            }
        }
    }

    public static IEnumerable<ExportedMetric> Metrics(byte[] request)
    {
        foreach (var resourceMetrics in Fields(request).Where(f => f.Number == 1))           // ExportMetricsServiceRequest.resource_metrics
        {
            var resource = Resource(resourceMetrics.Bytes);
            foreach (var scopeMetrics in Fields(resourceMetrics.Bytes).Where(f => f.Number == 2))
            {
                var scope = ScopeName(scopeMetrics.Bytes);
                foreach (var metric in Fields(scopeMetrics.Bytes).Where(f => f.Number == 2))
                    yield return Metric(metric.Bytes, scope, resource);
            }
        }
    }

    private static ExportedSpan Span(ReadOnlyMemory<byte> bytes, string scope, IReadOnlyDictionary<string, object?> resource)
    {
        string name = "", traceId = "", spanId = "", parentSpanId = "", statusMessage = "";
        int kind = 0, statusCode = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in Fields(bytes))
        {
            switch (field.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 2: spanId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 4: parentSpanId = Convert.ToHexStringLower(field.Bytes.Span); break;
                case 5: name = Text(field); break;
                case 6: kind = (int)field.Scalar; break;
                case 9: AddAttribute(attributes, field.Bytes); break;
                case 15:
                    foreach (var status in Fields(field.Bytes))
                    {
                        if (status.Number == 2) statusMessage = Text(status);
                        if (status.Number == 3) statusCode = (int)status.Scalar;
                    }
                    break;
            }
        }
        return new ExportedSpan(name, kind, traceId, spanId, parentSpanId, attributes, statusCode, statusMessage, scope, resource);
    }

    private static ExportedMetric Metric(ReadOnlyMemory<byte> bytes, string scope, IReadOnlyDictionary<string, object?> resource)
    {
        string name = "", unit = "";
        var points = new List<ExportedPoint>();
        foreach (var field in Fields(bytes))
        {
            switch (field.Number)
            {
                case 1: name = Text(field); break;
                case 3: unit = Text(field); break;
                case 9:                                                                        // Metric.histogram
                    foreach (var point in Fields(field.Bytes).Where(f => f.Number == 1))      // Histogram.data_points
                    {
                        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
                        ulong count = 0;
                        double sum = 0;
                        foreach (var part in Fields(point.Bytes))
                        {
                            if (part.Number == 9) AddAttribute(attributes, part.Bytes);       // HistogramDataPoint.attributes
                            if (part.Number == 4) count = part.Scalar;                         // count (fixed64)
                            if (part.Number == 5) sum = BitConverter.UInt64BitsToDouble(part.Scalar);
                        }
                        points.Add(new ExportedPoint(attributes, count, sum));
                    }
                    break;
            }
        }
        return new ExportedMetric(name, unit, scope, points, resource);
    }

    private static Dictionary<string, object?> Resource(ReadOnlyMemory<byte> resourceContainer)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var resource in Fields(resourceContainer).Where(f => f.Number == 1))
            foreach (var attribute in Fields(resource.Bytes).Where(f => f.Number == 1))
                AddAttribute(attributes, attribute.Bytes);
        return attributes;
    }

    private static string ScopeName(ReadOnlyMemory<byte> scopeContainer) =>
        Fields(scopeContainer).Where(f => f.Number == 1).SelectMany(s => Fields(s.Bytes)).Where(f => f.Number == 1).Select(Text).FirstOrDefault() ?? "";

    private static void AddAttribute(Dictionary<string, object?> attributes, ReadOnlyMemory<byte> keyValue)
    {
        string key = "";
        object? value = null;
        foreach (var field in Fields(keyValue))
        {
            if (field.Number == 1) key = Text(field);
            if (field.Number == 2) value = AnyValue(field.Bytes);
        }
        attributes[key] = value;
    }

    private static object? AnyValue(ReadOnlyMemory<byte> bytes)
    {
        foreach (var field in Fields(bytes))
        {
            switch (field.Number)
            {
                case 1: return Text(field);
                case 2: return field.Scalar != 0;
                case 3: return (long)field.Scalar;
                case 4: return BitConverter.UInt64BitsToDouble(field.Scalar);
                case 5: return Fields(field.Bytes).Where(f => f.Number == 1).Select(f => AnyValue(f.Bytes)).ToArray();
                case 7: return field.Bytes.ToArray();
            }
        }
        return null;
    }

    private static string Text(ProtoField field) => Encoding.UTF8.GetString(field.Bytes.Span);

    /// <summary>The top-level fields of one protobuf message, in order.</summary>
    private static List<ProtoField> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtoField>();
        var data = message.Span;
        var position = 0;
        while (position < data.Length)
        {
            var key = Varint(data, ref position);
            var number = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    fields.Add(new ProtoField(number, Varint(data, ref position), default));
                    break;
                case 1:
                    fields.Add(new ProtoField(number, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(position, 8)), default));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(data, ref position);
                    fields.Add(new ProtoField(number, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add(new ProtoField(number, BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position, 4)), default));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {key & 7} at byte {position}.");
            }
        }
        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    private readonly record struct ProtoField(int Number, ulong Scalar, ReadOnlyMemory<byte> Bytes);
}

/// <summary>A span as it arrived over OTLP. Kind: 1 internal, 2 server, 3 client. Status code: 0 unset, 1 ok, 2 error.</summary>
internal sealed record ExportedSpan(
    string Name, int Kind, string TraceId, string SpanId, string ParentSpanId,
    IReadOnlyDictionary<string, object?> Attributes, int StatusCode, string StatusMessage,
    string ScopeName, IReadOnlyDictionary<string, object?> Resource);

/// <summary>A metric as it arrived over OTLP; histogram points only.</summary>
internal sealed record ExportedMetric(string Name, string Unit, string ScopeName, IReadOnlyList<ExportedPoint> Points, IReadOnlyDictionary<string, object?> Resource);

internal sealed record ExportedPoint(IReadOnlyDictionary<string, object?> Attributes, ulong Count, double Sum);
