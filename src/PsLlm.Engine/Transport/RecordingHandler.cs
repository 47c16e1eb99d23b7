using System.Net.Http.Headers;
using System.Text;

namespace PsLlm.Engine.Transport;

/// <summary>
/// Records every exchange of a client to a session record file (New-LlmClient -RecordPath) as it
/// passes: the request, and the answer as the server sent it (a stream's bytes as they are read,
/// written once the stream ends). Keys, the client's header values, cookies and any secret the
/// redactor knows never reach the file.
/// </summary>
internal sealed class RecordingHandler(HttpMessageHandler inner, string path, IReadOnlyCollection<string> secretHeaders, SecretRedactor redactor) : DelegatingHandler(inner)
{
    private static readonly string[] AlwaysSecret = ["Authorization", "api-key", "Cookie", "Set-Cookie", "Proxy-Authorization"];
    private static readonly object FileGate = new();

    // The SDK's synchronous calls (the models list) are recorded too.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var requestHeaders = Sanitize(request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()));
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var responseHeaders = Sanitize(response.Headers.Concat(response.Content.Headers));
        var streamed = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        var recorded = new RecordedContent(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), body =>
            Write(SessionRecordFile.Entry(request.Method.Method, request.RequestUri!, requestHeaders, redactor.Redact(requestBody ?? string.Empty),
                (int)response.StatusCode, responseHeaders, redactor.Redact(body), streamed)));
        var content = new StreamContent(recorded);
        foreach (var header in response.Content.Headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = content;
        return response;
    }

    private void Write(System.Text.Json.Nodes.JsonObject entry)
    {
        lock (FileGate) SessionRecordFile.Append(path, entry);
    }

    private List<KeyValuePair<string, string>> Sanitize(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.Select(h => KeyValuePair.Create(h.Key,
            AlwaysSecret.Concat(secretHeaders).Contains(h.Key, StringComparer.OrdinalIgnoreCase) ? SessionRecordFile.Sanitized : redactor.Redact(string.Join(", ", h.Value))))
            .ToList();

    /// <summary>The answer's stream, passed through as read; what was read is recorded when it ends or is closed.</summary>
    private sealed class RecordedContent(Stream inner, Action<string> recorded) : Stream
    {
        private readonly MemoryStream _copy = new();
        private int _written;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Kept(inner.Read(buffer, offset, count), buffer.AsSpan(offset));

        public override int Read(Span<byte> buffer) => Kept(inner.Read(buffer), buffer);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Kept(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Span);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Kept(int read, ReadOnlySpan<byte> buffer)
        {
            if (read > 0) _copy.Write(buffer[..read]);
            else Record();
            return read;
        }

        private void Record()
        {
            if (Interlocked.Exchange(ref _written, 1) == 0) recorded(Encoding.UTF8.GetString(_copy.GetBuffer(), 0, (int)_copy.Length));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // A stream closed before its end (Ctrl+C) is recorded as far as it was read.
                Record();
                inner.Dispose();
                _copy.Dispose();
            }
            base.Dispose(disposing);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
