using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 for tests. Each request to
/// <c>/v1/chat/completions</c> is answered by, in order: the next scripted <see cref="FakeReply"/>,
/// a matching recording, or an echo of the last user message (JSON fitting the schema when the
/// request asked for JSON).
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly AdminApi _admin;
    private readonly Lock _gate = new();
    private readonly Queue<FakeReply> _replies = new();
    private int _chatsInFlight;
    private int _mostChatsInFlight;
    private readonly List<RecordedRequest> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _completionSequence;
    private int _disposed;

    private FakeOpenAIServer(RecordingLibrary recordings)
    {
        _admin = new AdminApi(this);
        Recordings = recordings;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/v1/</c>, with the trailing slash relative URIs need.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/v1</c>, the form OpenAI clients take as a base URL.</summary>
    public string BaseUrl { get; private set; } = "";

    public int Port { get; private set; }

    public RecordingLibrary Recordings { get; }

    /// <summary>Every request received (admin requests excluded), oldest first; a snapshot, safe to enumerate.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Starts listening on 127.0.0.1; <paramref name="port"/> 0 picks a free port.</summary>
    public static async Task<FakeOpenAIServer> StartAsync(string? recordingsDirectory = null, int port = 0)
    {
        var recordings = recordingsDirectory is null ? RecordingLibrary.Empty : RecordingLibrary.Load(recordingsDirectory);
        var server = new FakeOpenAIServer(recordings);
        (server._app, server.Port) = await LoopbackHost.StartAsync(server.HandleAsync, port: port);
        server.BaseUrl = $"http://127.0.0.1:{server.Port}/v1";
        server.BaseUri = new Uri(server.BaseUrl + "/");
        return server;
    }

    /// <summary>Queues a reply; replies are used first-in first-out, one per chat-completions request.</summary>
    public void Enqueue(FakeReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <summary>
    /// What <c>GET /v1/models</c> answers: OpenAI's list with the one model "fake-model" unless a
    /// test sets the status, the body (any server's shape) and a delay.
    /// </summary>
    public ModelsAnswer ModelsAnswer { get; set; } = ModelsAnswer.Default;

    /// <summary>The Files and Batch APIs: uploaded files and the batches made from them.</summary>
    internal FakeBatches Batches { get; } = new();

    /// <summary>How the next batches behave: where they stop advancing, which items fail.</summary>
    public BatchSettings BatchSettings
    {
        get => Batches.Settings;
        set => Batches.Settings = value;
    }

    /// <summary>How long an unscripted (echo) answer takes: a server's latency, for throughput benchmarks.</summary>
    public int DefaultDelayMs { get; set; }

    /// <summary>The most chat requests the server was answering at the same moment since the last reset.</summary>
    public int MostChatsInFlight => Volatile.Read(ref _mostChatsInFlight);

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }

    /// <summary>Forgets queued replies and received requests, and answers the models list as by default.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _replies.Clear();
            _requests.Clear();
        }
        Interlocked.Exchange(ref _mostChatsInFlight, 0);
        ModelsAnswer = ModelsAnswer.Default;
        Batches.Reset();
        _proxy?.Reset();
    }

    /// <summary>
    /// A proxy in front of this server, started on first use: requests for <paramref name="host"/>
    /// through it reach this server (see <see cref="LoopbackProxy"/>).
    /// </summary>
    public LoopbackProxy Proxy(string host = ProxiedHost)
    {
        lock (_gate)
        {
            _proxy ??= LoopbackProxy.Start();
            _proxy.Route(host, Port);
            return _proxy;
        }
    }

    /// <summary>The host name tests give the server when they reach it through <see cref="Proxy"/>.</summary>
    public const string ProxiedHost = "fake-openai.test";

    private LoopbackProxy? _proxy;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_proxy is not null) await _proxy.DisposeAsync();
        // Cancelling first ends delayed streams at once instead of waiting out the shutdown timeout.
        await _stopping.CancelAsync();
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            _stopping.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var cancellationToken = linked.Token;
        try
        {
            var request = context.Request;
            var path = request.Path.HasValue ? request.Path.Value!.TrimEnd('/') : "";
            var body = await ReadBodyAsync(request, cancellationToken);

            if (path.StartsWith("/_admin", StringComparison.OrdinalIgnoreCase))
            {
                await _admin.HandleAsync(context, path, body, cancellationToken);
                return;
            }

            var recorded = new RecordedRequest(request.Method, request.Path.Value ?? "/", CollectHeaders(request), body);
            lock (_gate)
            {
                _requests.Add(recorded);
            }

            if (path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(request.Method))
            {
                var now = Interlocked.Increment(ref _chatsInFlight);
                InterlockedMax(ref _mostChatsInFlight, now);
                try
                {
                    await HandleChatCompletionAsync(context, recorded, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _chatsInFlight);
                }
            }
            else if (await Batches.HandleAsync(context, path, body, cancellationToken))
            {
                // The Files and Batch APIs answered it.
            }
            else if (path.Equals("/v1/models", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(request.Method))
            {
                var models = ModelsAnswer;
                if (models.DelayMs > 0) await Task.Delay(models.DelayMs, cancellationToken);
                await context.Response.WriteJsonAsync(models.Status, models.Body.DeepClone(), cancellationToken);
            }
            else
            {
                var error = OpenAIError.Create(404, $"Unknown request URL: {request.Method} {request.Path}.", "unknown_url");
                await context.Response.WriteJsonAsync(404, error, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away or the server is stopping. Aborting (rather than ending the response
            // normally) keeps a cut-off stream from looking complete to a client that is still listening.
            context.Abort();
        }
        catch (Exception ex)
        {
            // Surface bugs in the fake to the client rather than as a dropped connection.
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Clear();
                await context.Response.WriteJsonAsync(500, OpenAIError.Create(500, $"Fake server failure: {ex}"), CancellationToken.None);
            }
            else
            {
                context.Abort();
            }
        }
    }

    private async Task HandleChatCompletionAsync(HttpContext context, RecordedRequest recorded, CancellationToken cancellationToken)
    {
        if (recorded.Json is not JsonObject body)
        {
            var error = OpenAIError.Create(400, "We could not parse the JSON body of your request. (fake)");
            await context.Response.WriteJsonAsync(400, error, cancellationToken);
            return;
        }

        var chat = ChatRequest.From(body);
        if (!TryTakeReply(chat, out var reply))
        {
            var error = OpenAIError.Create(400, "Unrecognized request argument supplied: stream_options");
            await context.Response.WriteJsonAsync(400, error, cancellationToken);
            return;
        }

        if (reply?.Dialect is { } dialect)
        {
            await Dialects.DialectWriter.WriteAsync(context, Dialects.DialectLibrary.Get(dialect), chat.Stream, cancellationToken);
            return;
        }

        var sequence = Interlocked.Increment(ref _completionSequence);
        if (reply is null && Recordings.Match(body) is { } entry)
        {
            await RecordingReplayer.WriteAsync(context, entry, cancellationToken);
            return;
        }

        reply ??= new FakeReply { Text = DefaultAnswer(chat), Model = "", DelayMs = DefaultDelayMs };
        await new ChatCompletionWriter(context, reply, chat, sequence).WriteAsync(cancellationToken);
    }

    /// <summary>
    /// The answer when nothing is scripted or recorded: an echo of the last user message, as JSON
    /// when the request asked for JSON (fitting its schema, if it gave one).
    /// </summary>
    internal static string DefaultAnswer(ChatRequest chat)
    {
        var echo = "Echo: " + chat.LastUserText;
        if (!chat.JsonMode) return echo;
        return chat.ResponseSchema is { } schema
            ? SchemaSample.For(schema, echo)?.ToJsonString() ?? "null"
            : new JsonObject { ["answer"] = echo }.ToJsonString();
    }

    /// <summary>Dequeues the reply for this request (null when none is queued): the first one scripted
    /// for its prompt (<see cref="FakeReply.ForPrompt"/>), else the first one for any prompt. Returns false
    /// when that reply rejects this request's stream_options; the reply then stays queued, because the
    /// client is expected to retry without stream_options and should get it.</summary>
    private bool TryTakeReply(ChatRequest chat, out FakeReply? reply)
    {
        lock (_gate)
        {
            reply = _replies.FirstOrDefault(r => r.ForPrompt is { } prompt && prompt == chat.LastUserText)
                ?? _replies.FirstOrDefault(r => r.ForPrompt is null);
            if (reply is null) return true;

            if (reply.RejectStreamOptions && chat.HasStreamOptions)
            {
                reply = null;
                return false;
            }

            var taken = reply;
            var rest = _replies.Where(r => !ReferenceEquals(r, taken)).ToList();
            _replies.Clear();
            foreach (var r in rest) _replies.Enqueue(r);
            return true;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static Dictionary<string, string> CollectHeaders(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return headers;
    }
}
