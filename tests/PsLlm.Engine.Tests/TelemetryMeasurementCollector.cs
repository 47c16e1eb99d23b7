using System.Diagnostics.Metrics;
using PsLlm.Engine.Observability.Telemetry;

namespace PsLlm.Engine.Tests;

/// <summary>A MeterListener on the "PsLlm" meter keeping every measurement with its tags.</summary>
internal sealed class TelemetryMeasurementCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measured> _measurements = new();

    public TelemetryMeasurementCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GenAiTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The measurements of one instrument taken against one fake server (tests run side by side).</summary>
    public IReadOnlyList<Measured> Of(string instrument, int serverPort)
    {
        lock (_measurements)
            return _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(GenAiConventions.ServerPort), serverPort)).ToArray();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        lock (_measurements) _measurements.Add(new Measured(instrument.Name, instrument.Unit, value, copy));
    }

    public void Dispose() => _listener.Dispose();
}

internal sealed record Measured(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags);
