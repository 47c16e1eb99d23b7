using System.Collections.Concurrent;

namespace PsLlm.Engine.Observability;

/// <summary>
/// Runs started and not yet finished, by run id: what the handlers that follow a run from its
/// start event to its end (the SQLite log, the webhook, OpenTelemetry) keep about each. Bounded:
/// at <see cref="Limit"/> open runs the oldest tenth is forgotten, so runs whose end never comes
/// (a handler added or removed mid-run) cannot hold memory for ever. Safe to use from any thread.
/// </summary>
internal sealed class OpenRuns<T>
{
    private readonly ConcurrentDictionary<Guid, Entry> _runs = new();

    public OpenRuns(int limit) => Limit = limit;

    public int Limit { get; }

    public int Count => _runs.Count;

    /// <summary>Remembers a run (replacing what was kept for the same id); false when it was already open.</summary>
    public bool Add(Guid runId, T value, DateTimeOffset start)
    {
        if (_runs.Count >= Limit)
            foreach (var stale in _runs.OrderBy(r => r.Value.Start).Take(Math.Max(1, Limit / 10)).ToArray())
                _runs.TryRemove(stale.Key, out _);
        return _runs.TryAdd(runId, new Entry(value, start));
    }

    public bool IsOpen(Guid runId) => _runs.ContainsKey(runId);

    /// <summary>What is kept for an open run; default when it is not open (or <paramref name="runId"/> is null).</summary>
    public T? Find(Guid? runId) => runId is { } id && _runs.TryGetValue(id, out var entry) ? entry.Value : default;

    /// <summary>Forgets a run, giving back what was kept for it.</summary>
    public bool TryTake(Guid runId, out T value)
    {
        if (_runs.TryRemove(runId, out var entry))
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    private readonly record struct Entry(T Value, DateTimeOffset Start);
}
