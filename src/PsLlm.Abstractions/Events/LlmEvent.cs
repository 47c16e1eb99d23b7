namespace PsLlm;

/// <summary>
/// Base of every callback event. Derives from <see cref="EventArgs"/> so the same object serves as
/// .NET event arguments (Register-ObjectEvent), engine event data (Register-EngineEvent) and
/// pipeline output (-AsEvents).
/// </summary>
public abstract class LlmEvent : EventArgs
{
    private static readonly IReadOnlyDictionary<string, object?> NoMetadata = new Dictionary<string, object?>();

    /// <summary>Which callback this is.</summary>
    public abstract LlmEventName Kind { get; }

    /// <summary>
    /// The event's name as text ("LlmNewToken"): what Where-Object, JSON and serialized copies of
    /// forwarded events see (an enum would arrive as a number).
    /// </summary>
    public string EventName => Kind.ToString();

    private Guid _runId;
    private Guid? _parentRunId;
    private IReadOnlyList<string> _tags = Array.Empty<string>();
    private IReadOnlyDictionary<string, object?> _metadata = NoMetadata;
    private DateTimeOffset _timestamp = DateTimeOffset.UtcNow;

    // The run identity can be given when an event is built (a test of your own handler:
    // [PsLlm.LlmEndEvent]@{ RunId = $id; Response = $response }); once the engine raises an event,
    // it stamps the run's identity on it, so a handler always sees the run that raised it.

    /// <summary>The run the event belongs to (a chain, LLM or tool run).</summary>
    public Guid RunId { get => _runId; init => _runId = value; }

    /// <summary>The run that started this run; null for a root run.</summary>
    public Guid? ParentRunId { get => _parentRunId; init => _parentRunId = value; }

    /// <summary>Tags inherited down the run tree.</summary>
    public IReadOnlyList<string> Tags { get => _tags; init => _tags = value ?? Array.Empty<string>(); }

    /// <summary>Metadata inherited down the run tree.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get => _metadata; init => _metadata = value ?? NoMetadata; }

    /// <summary>When the event was raised (UTC); when it was built, for an event not raised yet.</summary>
    public DateTimeOffset Timestamp { get => _timestamp; init => _timestamp = value; }

    /// <summary>
    /// A copy of this event stamped with a run's identity, as a run stamps the events it raises:
    /// for testing a handler without a chat, e.g.
    /// <c>([PsLlm.LlmEndEvent]@{ Response = $response }).WithRun($runId, $parentId, 'nightly', @{ user = 'ada' })</c>.
    /// The copy's timestamp is now; the event itself is not changed.
    /// </summary>
    /// <param name="runId">The run the event belongs to.</param>
    /// <param name="parentRunId">The run that started it; null for a root run.</param>
    /// <param name="tags">Tags of the run; none when null.</param>
    /// <param name="metadata">Metadata of the run (a hashtable will do); none when null.</param>
    public LlmEvent WithRun(Guid runId, Guid? parentRunId = null, string[]? tags = null, System.Collections.IDictionary? metadata = null)
    {
        var copy = (LlmEvent)MemberwiseClone();
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (metadata is not null)
            foreach (System.Collections.DictionaryEntry entry in metadata) values[entry.Key.ToString() ?? string.Empty] = entry.Value;
        copy.Stamp(runId, parentRunId, tags ?? Array.Empty<string>(), values, DateTimeOffset.UtcNow);
        return copy;
    }

    /// <summary>Stamps the run identity on an event as it is raised (the run, not the caller, owns it).</summary>
    /// <remarks>Tests give a fixed <paramref name="timestamp"/>; runs keep the time the event was made.</remarks>
    internal void Stamp(Guid runId, Guid? parentRunId, IReadOnlyList<string> tags, IReadOnlyDictionary<string, object?> metadata, DateTimeOffset? timestamp = null)
    {
        if (timestamp is { } time) _timestamp = time;
        _runId = runId;
        _parentRunId = parentRunId;
        _tags = tags;
        _metadata = metadata;
    }

    /// <summary>Calls the matching On* method of <paramref name="handler"/>.</summary>
    public abstract void DispatchTo(CallbackHandler handler);

    /// <summary>A one-line description for tables and logs; never contains secrets.</summary>
    public abstract string Summary { get; }

    /// <summary>The event's name and its <see cref="Summary"/>, e.g. "LlmEnd stop 12 in / 5 out".</summary>
    public override string ToString() => $"{EventName} {Summary}";

    /// <summary>Shortens text for summaries so a table row stays one line.</summary>
    protected static string Clip(string? text, int max = 60)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var flat = text.Replace("\r", " ").Replace("\n", " ");
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
