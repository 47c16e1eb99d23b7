using System.Net;
using System.Net.Http.Headers;
using PsLlm.Engine.Transport;

namespace PsLlm.Engine.Observability;

/// <summary>
/// Posts one <see cref="InferenceRecord"/> as JSON to an HTTP collector after every model call
/// (on LlmEnd and LlmError), the pattern of Arthur and other inference monitors. The record is
/// built on the chat's thread; the POST happens on a background <see cref="BoundedWorkQueue{T}"/>,
/// so a slow or unreachable collector never slows or fails the chat.
/// </summary>
/// <remarks>
/// <para>Delivery: a 5xx, 408, 429, timeout or connection error is retried up to
/// <see cref="MaxRetries"/> times with exponential backoff (200 ms, 400 ms, 800 ms by default); a
/// Retry-After up to <see cref="MaxRetryAfter"/> is honoured instead. Other statuses and the last
/// failed attempt count in <see cref="Failed"/>, with the reason (never a header value) in
/// <see cref="LastError"/>.</para>
/// <para>Overflow: when <see cref="Capacity"/> records wait, newer records are dropped (the chat
/// never waits) and counted in <see cref="Dropped"/>.</para>
/// <para>Headers given by the user (e.g. Authorization) are sent with every POST and appear nowhere
/// else: not in records, <see cref="LastError"/>, <see cref="ToString"/> or any property but their
/// names.</para>
/// </remarks>
internal sealed class WebhookHandler : CallbackHandler, IRecordingHandler, IDisposable
{
    public const int DefaultCapacity = 1_000;
    public const int DefaultMaxRetries = 3;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(200);
    /// <summary>The longest Retry-After waited for; a longer one falls back to the backoff delay.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);
    /// <summary>Starts remembered at most, so runs that never end cannot grow the handler without bound.</summary>
    private const int MaxOpenRuns = 1_000;

    private readonly HttpClient _http;
    private readonly BoundedWorkQueue<byte[]> _queue;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly SecretRedactor _redactor;
    private readonly OpenRuns<ChatModelStartEvent> _starts = new(MaxOpenRuns);
    private long _sent;
    private long _retried;
    private string? _lastError;
    private readonly LossTally _losses = new();
    private int _disposed;

    /// <param name="uri">An absolute http or https URL.</param>
    /// <param name="headers">Sent with every POST; their values are treated as secrets.</param>
    /// <param name="timeout">Per attempt; default 10 s.</param>
    /// <param name="capacity">Records that may wait before new ones are dropped.</param>
    /// <param name="maxRetries">Retries after the first attempt.</param>
    /// <param name="baseDelay">First backoff delay, doubled for each further retry.</param>
    /// <param name="httpHandler">For tests; default a SocketsHttpHandler.</param>
    public WebhookHandler(
        Uri uri,
        IReadOnlyDictionary<string, string>? headers = null,
        TimeSpan? timeout = null,
        int capacity = DefaultCapacity,
        int maxRetries = DefaultMaxRetries,
        TimeSpan? baseDelay = null,
        HttpMessageHandler? httpHandler = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{uri}' is not an absolute http or https URL.", nameof(uri));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        Uri = uri;
        Name = $"Webhook {uri.Scheme}://{uri.Authority}";
        Timeout = timeout ?? DefaultTimeout;
        Capacity = capacity;
        MaxRetries = maxRetries;
        BaseDelay = baseDelay ?? DefaultBaseDelay;
        _headers = (headers ?? new Dictionary<string, string>()).ToArray();
        HeaderNames = _headers.Select(h => h.Key).ToArray();
        _redactor = new SecretRedactor(_headers.Select(h => h.Value).Append(uri.UserInfo));
        _http = new HttpClient(httpHandler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false, // records go to the URL given, nowhere else
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // per attempt, below
        };
        _queue = new BoundedWorkQueue<byte[]>(capacity, PostAsync, OnPostFailed);
        // Records still queued when PowerShell exits are sent first (for a moment, not forever).
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The collector's URL.</summary>
    public Uri Uri { get; }
    /// <summary>The names of the headers sent (never their values).</summary>
    public IReadOnlyList<string> HeaderNames { get; }
    public TimeSpan Timeout { get; }
    public int Capacity { get; }
    public int MaxRetries { get; }
    public TimeSpan BaseDelay { get; }
    /// <summary>Records the collector accepted (2xx).</summary>
    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Records dropped because <see cref="Capacity"/> records were already waiting.</summary>
    public long Dropped => _queue.Dropped;
    /// <summary>Records given up on after the last attempt, or refused by the collector (see <see cref="LastError"/>).</summary>
    public long Failed => _queue.Failed;
    /// <summary>Attempts repeated after a retryable failure.</summary>
    public long Retried => Interlocked.Read(ref _retried);
    /// <summary>Why the last failed record failed; null when none has.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <inheritdoc/>
    public long TakeUnreportedLosses() => _losses.TakeUnreported(Dropped + Failed);

    /// <summary>Scheme, host and port only: a webhook's path or query often is its secret.</summary>
    public override void Handle(LlmEvent e)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        InferenceRecord record;
        switch (e)
        {
            case ChatModelStartEvent start:
                Remember(start);
                return;
            case LlmEndEvent end:
                record = InferenceRecord.From(Forget(end.RunId), end);
                break;
            case LlmErrorEvent error:
                record = InferenceRecord.From(Forget(error.RunId), error);
                break;
            default:
                return;
        }
        _queue.TryEnqueue(record.ToJson());
    }

    /// <summary>Waits until the records queued so far are delivered or given up, or <paramref name="timeout"/> passes. True when all are.</summary>
    public bool Flush(TimeSpan timeout) => _queue.Flush(timeout);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _queue.Dispose(); // delivers what is queued (for a few seconds at most)
        _http.Dispose();
    }

    public override string ToString() => $"{Name} ({Sent} sent, {Dropped} dropped, {Failed} failed)";

    private void Remember(ChatModelStartEvent start) => _starts.Add(start.RunId, start, start.Timestamp);

    private ChatModelStartEvent? Forget(Guid runId) => _starts.TryTake(runId, out var start) ? start : null;

    private async Task PostAsync(byte[] body, CancellationToken stopping)
    {
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                foreach (var (name, value) in _headers)
                    if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
                using var perAttempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                perAttempt.CancelAfter(Timeout);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, perAttempt.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _sent);
                    return;
                }
                var status = (int)response.StatusCode;
                failure = $"The collector answered {status} {response.ReasonPhrase}.";
                if (!IsRetryable(response.StatusCode)) throw new HttpRequestException(failure, null, response.StatusCode);
                retryAfter = RetryAfter(response);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                failure = $"The collector did not answer within {Timeout.TotalSeconds:0.#} s.";
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null)
            {
                failure = "The collector could not be reached: " + ex.Message;
            }
            if (attempt >= MaxRetries) throw new HttpRequestException(failure);
            Interlocked.Increment(ref _retried);
            await Task.Delay(retryAfter ?? BackoffDelay(attempt), stopping).ConfigureAwait(false);
        }
    }

    private TimeSpan BackoffDelay(int attempt) => TimeSpan.FromTicks(BaseDelay.Ticks << Math.Min(attempt, 16));

    private static bool IsRetryable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not { } value) return null;
        if (value < TimeSpan.Zero) return TimeSpan.Zero;
        return value <= MaxRetryAfter ? value : null;
    }

    private void OnPostFailed(byte[] body, Exception error) => Volatile.Write(ref _lastError, _redactor.Redact(error.Message));

    private void OnProcessExit(object? sender, EventArgs e) => _queue.Flush(TimeSpan.FromSeconds(3));
}
