using System.Buffers;

namespace PsLlm.Engine.Wire;

/// <summary>What a server-sent event carries, as far as a chat stream cares.</summary>
internal enum SseEventKind
{
    /// <summary>An event with data lines (its type in <see cref="SseEvent.EventType"/>).</summary>
    Data,
    /// <summary>
    /// A line with the field name "error" (older llama.cpp servers write <c>error: {…}</c>). The
    /// SSE specification ignores unknown fields; a chat client must not, or the error is lost.
    /// </summary>
    ErrorField,
}

/// <summary>One event; <see cref="Data"/> is valid until the next read.</summary>
internal readonly record struct SseEvent(SseEventKind Kind, string? EventType, ReadOnlyMemory<byte> Data);

/// <summary>
/// Reads server-sent events from a byte stream as servers really send them: a UTF-8 byte-order
/// mark, LF, CRLF or CR line ends (a CRLF may be split between reads), comments and keep-alives,
/// <c>event:</c>, <c>id:</c> and <c>retry:</c> lines, several <c>data:</c> lines in one event,
/// <c>data:</c> with or without the space, events of any size, multi-byte characters split across
/// reads (lines are cut on bytes, never decoded early), and a last event without its blank line.
/// Each read from the network may wait at most <c>idleTimeout</c>.
/// </summary>
internal sealed class SseReader : IDisposable
{
    private const int InitialBuffer = 16 * 1024;
    /// <summary>The most of a non-SSE body kept: a whole JSON answer fits.</summary>
    private const int MaxStray = 64 * 1024 * 1024;
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly TimeSpan? _idleTimeout;
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private readonly ArrayBufferWriter<byte> _stray = new(256);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _start;
    private int _end;
    private bool _eof;
    private bool _atStart = true;
    private bool _skipLineFeed;
    private bool _hasData;
    private string? _eventType;
    private CancellationTokenSource? _silence;

    public SseReader(Stream stream, TimeSpan? idleTimeout)
    {
        _stream = stream;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Bytes taken from the stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Lines that were not SSE at all, joined by new lines: a JSON body sent instead of an event
    /// stream, or a bare JSON error inside one. The SSE specification ignores them; a chat client
    /// must look at them once the stream has ended.
    /// </summary>
    public ReadOnlyMemory<byte> Stray => _stray.WrittenMemory;

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async ValueTask<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!_hasData) _data.Clear();
        while (true)
        {
            if (TryReadLine(out var line))
            {
                if (ProcessLine(line) is { } ready) return ready;
                continue;
            }
            if (_eof) return Finish();
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private SseEvent? Finish()
    {
        // A last line without its line end, then a last event without its blank line.
        if (_end > _start)
        {
            var rest = _buffer.AsSpan(_start, _end - _start);
            _start = _end;
            if (ProcessLine(rest) is { } ready) return ready;
        }
        return _hasData ? Dispatch() : null;
    }

    private bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        if (_skipLineFeed && span.Length > 0)
        {
            _skipLineFeed = false;
            if (span[0] == (byte)'\n')
            {
                _start++;
                span = span[1..];
            }
        }
        var cut = span.IndexOfAny((byte)'\n', (byte)'\r');
        if (cut < 0)
        {
            line = default;
            return false;
        }
        line = span[..cut];
        _start += cut + 1;
        // A CR may be the first half of a CRLF whose LF has not arrived yet.
        if (span[cut] == (byte)'\r') _skipLineFeed = true;
        return true;
    }

    private SseEvent? ProcessLine(ReadOnlySpan<byte> line)
    {
        if (_atStart)
        {
            _atStart = false;
            if (line.StartsWith(Bom)) line = line[Bom.Length..];
        }
        if (line.IsEmpty) return _hasData ? Dispatch() : ResetEvent();
        if (line[0] == (byte)':') return null;   // a comment: keep-alives, ": OPENROUTER PROCESSING"

        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? ReadOnlySpan<byte>.Empty : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ') value = value[1..];

        if (name.SequenceEqual("data"u8))
        {
            if (_hasData) _data.Write("\n"u8);
            _data.Write(value);
            _hasData = true;
        }
        else if (name.SequenceEqual("event"u8))
        {
            _eventType = System.Text.Encoding.UTF8.GetString(value);
        }
        else if (name.SequenceEqual("error"u8))
        {
            var error = value.ToArray();
            return new SseEvent(SseEventKind.ErrorField, "error", error);
        }
        else if (!name.SequenceEqual("id"u8) && !name.SequenceEqual("retry"u8))
        {
            // Not SSE: kept so that a JSON body or a bare JSON error is not silently lost.
            if (_stray.WrittenCount < MaxStray)
            {
                if (_stray.WrittenCount > 0) _stray.Write("\n"u8);
                _stray.Write(line);
            }
        }
        return null;
    }

    private SseEvent? ResetEvent()
    {
        _eventType = null;
        return null;
    }

    private SseEvent Dispatch()
    {
        var e = new SseEvent(SseEventKind.Data, _eventType, _data.WrittenMemory);
        _hasData = false;
        _eventType = null;
        return e;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        // Keep the unread tail at the front; grow when one line outgrows the buffer.
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int read;
        if (_idleTimeout is { } idle)
        {
            // One linked source for the whole stream, re-armed before each read.
            if (_silence is null || !_silence.TryReset())
            {
                _silence?.Dispose();
                _silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            }
            _silence.CancelAfter(idle);
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), _silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The server sent nothing for {idle.TotalSeconds:0.###} seconds while streaming the answer.");
            }
        }
        else
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        }
        if (read == 0) _eof = true;
        _end += read;
        BytesRead += read;
    }

    public void Dispose()
    {
        _silence?.Dispose();
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
