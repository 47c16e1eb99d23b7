using System.Text;

namespace PsLlm.Engine.Observability;

/// <summary>
/// Logs events to a JSON Lines file: one <see cref="LlmEventJson"/> object per line, in event
/// order. The line is built on the chat's thread (a snapshot of the event, microseconds) and
/// written by a background worker through a <see cref="BoundedWorkQueue{T}"/>, so a slow or
/// failing disk never slows or breaks the chat.
/// </summary>
/// <remarks>
/// <para>Overflow: when <see cref="Capacity"/> lines wait, newer lines are dropped (the chat never
/// waits) and counted in <see cref="Dropped"/>; lines that could not be written are counted in
/// <see cref="Failed"/>, with the reason in <see cref="LastError"/>.</para>
/// <para>Line atomicity: each line, with its '\n', goes to the file in ONE append write on a file
/// opened for appending by the kernel (<see cref="AppendOnlyFile"/>), so a crash never leaves half
/// a line and several processes can log to one file, their lines interleaving whole. The file is
/// opened when lines arrive and closed when the queue is empty, so it can be moved or deleted
/// between bursts (log rotation) and no handle is held while idle.</para>
/// </remarks>
internal sealed class JsonlHandler : CallbackHandler, IRecordingHandler, IDisposable
{
    /// <summary>Default number of lines that may wait for the disk before new ones are dropped.</summary>
    public const int DefaultCapacity = 10_000;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly BoundedWorkQueue<string> _queue;
    private readonly HashSet<LlmEventName>? _eventNames;
    private AppendOnlyFile? _file;
    private long _enqueued;
    private long _written;
    private string? _lastError;
    private int _disposed;
    private readonly LossTally _losses = new();

    /// <param name="path">A full path; the folder must exist (the file is created).</param>
    /// <param name="eventNames">Log only these events; null for all.</param>
    /// <param name="excludeContent">Leave prompt, answer, token, tool argument and output text out (lengths stay).</param>
    /// <param name="capacity">Lines that may wait before new ones are dropped.</param>
    public JsonlHandler(string path, IEnumerable<LlmEventName>? eventNames = null, bool excludeContent = false, int capacity = DefaultCapacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Path = System.IO.Path.GetFullPath(path);
        _eventNames = eventNames is null ? null : new HashSet<LlmEventName>(eventNames);
        ExcludeContent = excludeContent;
        Capacity = capacity;
        Name = $"JSONL {System.IO.Path.GetFileName(Path)}";
        _queue = new BoundedWorkQueue<string>(capacity, WriteLineAsync, OnWriteFailed);
        // Lines still queued when PowerShell exits are written first (for a moment, not forever).
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The log file (full path).</summary>
    public string Path { get; }

    /// <summary>The events logged ("*" for all).</summary>
    public IReadOnlyList<string> EventName => _eventNames is null
        ? new[] { "*" }
        : _eventNames.OrderBy(n => n).Select(n => n.ToString()).ToArray();

    public bool ExcludeContent { get; }
    public int Capacity { get; }
    /// <summary>Lines written to the file.</summary>
    public long Written => Interlocked.Read(ref _written);
    /// <summary>Lines dropped because <see cref="Capacity"/> lines were already waiting.</summary>
    public long Dropped => _queue.Dropped;
    /// <summary>Lines that could not be written (see <see cref="LastError"/>).</summary>
    public long Failed => _queue.Failed;
    /// <summary>Lines queued and not yet written.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _enqueued) - _queue.Processed);
    /// <summary>Why the last failed line failed; null when none has.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <inheritdoc/>
    public long TakeUnreportedLosses() => _losses.TakeUnreported(Dropped + Failed);

    public override void Handle(LlmEvent e)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        LlmEvent logged = e;
        if (_eventNames is not null && !_eventNames.Contains(e.Kind))
        {
            // LangChain's fallback: asking for LlmStart but not ChatModelStart logs the prompts as text.
            if (e is ChatModelStartEvent start && _eventNames.Contains(LlmEventName.LlmStart)) logged = LlmStartEvent.From(start);
            else return;
        }
        var line = LlmEventJson.Serialize(logged, ExcludeContent) + "\n";
        Interlocked.Increment(ref _enqueued);
        if (!_queue.TryEnqueue(line)) Interlocked.Decrement(ref _enqueued);
    }

    /// <summary>Waits until the lines queued so far are written, or <paramref name="timeout"/> passes. True when all are.</summary>
    public bool Flush(TimeSpan timeout) => _queue.Flush(timeout);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _queue.Dispose(); // drains what is queued (for a few seconds at most)
        CloseFile();
    }

    public override string ToString() => $"{Name} ({Written} written, {Dropped} dropped, {Failed} failed)";

    private Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        try
        {
            _file ??= AppendOnlyFile.Open(Path);
            _file.Append(Utf8.GetBytes(line));
            Interlocked.Increment(ref _written);
        }
        catch
        {
            CloseFile(); // reopen on the next line: the folder may come back, the disk may free up
            throw;
        }
        // Only this line was waiting: close until the next burst.
        if (Interlocked.Read(ref _enqueued) - _queue.Processed <= 1) CloseFile();
        return Task.CompletedTask;
    }

    private void OnWriteFailed(string line, Exception error) => Volatile.Write(ref _lastError, error.Message);

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }

    private void OnProcessExit(object? sender, EventArgs e) => _queue.Flush(TimeSpan.FromSeconds(2));
}
