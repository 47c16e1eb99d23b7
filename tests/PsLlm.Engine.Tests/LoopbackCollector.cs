using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using PsLlm.FakeOpenAI;

namespace PsLlm.Engine.Tests;

/// <summary>
/// An HTTP collector on 127.0.0.1 for webhook tests (Kestrel, as the fake OpenAI server): keeps
/// every request's body and headers, answers with scripted statuses (then 200), and can hold
/// requests until released, to fill a handler's queue.
/// </summary>
internal sealed class LoopbackCollector : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _script = new();
    private readonly List<Received> _received = new();
    private TaskCompletionSource _gate = Open();

    public Uri Uri { get; private set; } = null!;

    public IReadOnlyList<Received> Requests { get { lock (_received) return _received.ToArray(); } }

    /// <summary>The bodies answered with 2xx, parsed.</summary>
    public IReadOnlyList<JsonObject> Accepted => Requests.Where(r => r.Status < 300).Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToArray();

    public static async Task<LoopbackCollector> StartAsync()
    {
        var collector = new LoopbackCollector();
        (collector._app, var port) = await LoopbackHost.StartAsync(collector.HandleAsync);
        collector.Uri = new Uri($"http://127.0.0.1:{port}/ingest/records");
        return collector;
    }

    /// <summary>The next requests are answered with these statuses, in order; then 200.</summary>
    public void Answer(int status, string? retryAfter = null) => _script.Enqueue((status, retryAfter));

    /// <summary>Requests wait (unanswered) until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        await _gate.Task.WaitAsync(context.RequestAborted);
        var (status, retryAfter) = _script.TryDequeue(out var next) ? next : (200, null);
        lock (_received)
            _received.Add(new Received(context.Request.Method, context.Request.Path, body, status,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        context.Response.StatusCode = status;
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    internal sealed record Received(string Method, string Path, string Body, int Status, IReadOnlyDictionary<string, string> Headers);
}
