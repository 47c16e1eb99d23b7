using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The webhook handler POSTs one inference record per model call to a loopback collector,
/// retries what can be retried, and never slows or fails the chat, whatever the collector does.
/// </summary>
public sealed class WebhookHandlerTests : IAsyncLifetime
{
    private const string Token = "Bearer collector-token-5566778899";
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);
    private FakeOpenAIServer _server = null!;
    private LoopbackCollector _collector = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _collector = await LoopbackCollector.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public void EachModelCallIsPostedAsOneInferenceRecord()
    {
        using var webhook = new WebhookHandler(_collector.Uri, new Dictionary<string, string> { ["Authorization"] = Token, ["X-Team"] = "blue-team-secret" });
        _server.Enqueue(new FakeReply { Tokens = new List<string> { "Par", "is" }, PromptTokens = 12, CompletionTokens = 2, DelayMs = 2 });
        var request = new ChatRequest
        {
            Prompt = "Capital of France?",
            System = "Be brief.",
            Stream = true,
            Temperature = 0.2,
            Tags = new[] { "geo" },
            Metadata = new Dictionary<string, object?> { ["user"] = "ada", ["attempt"] = 2 },
        };
        var outcome = ChatHarness.Run(ChatHarness.Client(_server), request, new[] { webhook });
        var response = outcome.Ok;
        Assert.True(webhook.Flush(Drain));

        Assert.Equal(1, webhook.Sent);
        var received = Assert.Single(_collector.Requests);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/ingest/records", received.Path);
        Assert.StartsWith("application/json", received.Headers["Content-Type"]);
        Assert.Equal(Token, received.Headers["Authorization"]);
        Assert.Equal("blue-team-secret", received.Headers["X-Team"]);

        var record = JsonNode.Parse(received.Body)!;
        Assert.Equal("psllm.inference", (string)record["format"]!);
        Assert.Equal(1, (int)record["version"]!);
        Assert.Equal("success", (string)record["status"]!);
        Assert.Equal(response.RunId, Guid.Parse((string)record["inferenceId"]!));
        Assert.Equal(response.ChainRunId, Guid.Parse((string)record["parentRunId"]!));
        Assert.Equal(new[] { "system", "user" }, record["prompt"]!.AsArray().Select(m => (string)m!["role"]!));
        Assert.Equal("Capital of France?", (string)record["prompt"]![1]!["content"]!);
        Assert.Equal("Paris", (string)record["completion"]!);
        Assert.Equal("fake-model", (string)record["model"]!);
        Assert.Equal("fake-model", (string)record["requestedModel"]!);
        Assert.Equal(_server.BaseUrl, (string)record["endpoint"]!);
        Assert.Equal("stop", (string)record["finishReason"]!);
        Assert.Equal(12, (int)record["usage"]!["inputTokens"]!);
        Assert.Equal(2, (int)record["usage"]!["outputTokens"]!);
        Assert.Equal(LlmEventJson.Milliseconds(response.Duration), (double)record["durationMs"]!);
        Assert.NotNull(record["timeToFirstTokenMs"]);
        Assert.Equal(0.2, (double)record["invocationParameters"]!["temperature"]!);
        Assert.Equal(new[] { "geo" }, record["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("ada", (string)record["metadata"]!["user"]!);
        Assert.Equal(2, (int)record["metadata"]!["attempt"]!);
        Assert.Null(record["error"]);
        Assert.True(DateTimeOffset.Parse((string)record["startTime"]!) <= DateTimeOffset.Parse((string)record["endTime"]!));

        // The headers went to the collector and nowhere else.
        AssertNoSecrets(received.Body);
        AssertNoSecrets(webhook.ToString());
        AssertNoSecrets(webhook.Name);
        Assert.Equal(new[] { "Authorization", "X-Team" }, webhook.HeaderNames.OrderBy(n => n));
        Assert.DoesNotContain(ChatHarness.ApiKey, received.Body);
    }

    [Fact]
    public void FailedModelCallIsPostedWithItsError()
    {
        using var webhook = new WebhookHandler(_collector.Uri);
        _server.Enqueue(new FakeReply { Status = 500, ErrorMessage = "overloaded" });
        var outcome = ChatHarness.Run(ChatHarness.Client(_server), new ChatRequest { Prompt = "hello?" }, new[] { webhook });
        Assert.Equal(LlmErrorKind.ServerError, outcome.Failure.Kind);
        Assert.True(webhook.Flush(Drain));

        var record = Assert.Single(_collector.Accepted);
        Assert.Equal("error", (string)record["status"]!);
        Assert.Equal("hello?", (string)record["prompt"]![0]!["content"]!);
        Assert.Equal("LlmServerError", (string)record["error"]!["errorId"]!);
        Assert.Equal(500, (int)record["error"]!["statusCode"]!);
        Assert.NotNull(record["durationMs"]);
    }

    [Fact]
    public void ServerErrorIsRetriedWithBackoff()
    {
        using var webhook = new WebhookHandler(_collector.Uri);
        _collector.Answer(500);
        _server.Enqueue(new FakeReply { Text = "ok" });
        ChatHarness.Run(ChatHarness.Client(_server), new ChatRequest { Prompt = "x" }, new[] { webhook }).Ok.ToString();
        Assert.True(webhook.Flush(Drain));

        Assert.Equal(new[] { 500, 200 }, _collector.Requests.Select(r => r.Status));
        Assert.Equal(_collector.Requests[0].Body, _collector.Requests[1].Body);
        Assert.Equal(1, webhook.Sent);
        Assert.Equal(1, webhook.Retried);
        Assert.Equal(0, webhook.Failed);
    }

    [Fact]
    public void RetryAfterIsHonoured()
    {
        using var webhook = new WebhookHandler(_collector.Uri, baseDelay: TimeSpan.FromMilliseconds(1));
        _collector.Answer(429, retryAfter: "1");
        var clock = Stopwatch.StartNew();
        webhook.Handle(End());
        Assert.True(webhook.Flush(Drain));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"waited {clock.Elapsed} for Retry-After: 1");
        Assert.Equal(new[] { 429, 200 }, _collector.Requests.Select(r => r.Status));
        Assert.Equal(1, webhook.Sent);
    }

    [Fact]
    public void ClientErrorIsNotRetriedAndIsCounted()
    {
        using var webhook = new WebhookHandler(_collector.Uri, new Dictionary<string, string> { ["Authorization"] = Token });
        _collector.Answer(401);
        webhook.Handle(End());
        Assert.True(webhook.Flush(Drain));
        Assert.Single(_collector.Requests);
        Assert.Equal(0, webhook.Sent);
        Assert.Equal(1, webhook.Failed);
        Assert.Equal(0, webhook.Retried);
        Assert.Contains("401", webhook.LastError);
        AssertNoSecrets(webhook.LastError);
    }

    [Fact]
    public void DownCollectorNeverFailsTheChatAndIsCounted()
    {
        using var webhook = new WebhookHandler(ClosedPortUri(), new Dictionary<string, string> { ["Authorization"] = Token }, baseDelay: TimeSpan.FromMilliseconds(20));
        _server.Enqueue(new FakeReply { Tokens = new List<string> { "still", " here" } });
        var outcome = ChatHarness.Run(ChatHarness.Client(_server), new ChatRequest { Prompt = "x", Stream = true }, new[] { webhook });

        Assert.Equal("still here", outcome.Ok.Text);
        Assert.Empty(outcome.Sink.Reports);
        Assert.True(webhook.Flush(Drain));
        Assert.Equal(0, webhook.Sent);
        Assert.Equal(1, webhook.Failed);
        Assert.Equal(WebhookHandler.DefaultMaxRetries, webhook.Retried);
        Assert.Contains("could not be reached", webhook.LastError);
        AssertNoSecrets(webhook.LastError);
    }

    [Fact]
    public void SlowCollectorFillsTheQueueAndNewRecordsAreDropped()
    {
        _collector.Hold();
        using var webhook = new WebhookHandler(_collector.Uri, capacity: 2);
        for (var i = 0; i < 20; i++) webhook.Handle(End()); // returns at once although nothing is answered
        // One record is being posted, two wait; the rest are dropped.
        Assert.InRange(webhook.Dropped, 17, 18);
        _collector.Release();
        Assert.True(webhook.Flush(Drain));
        Assert.Equal(20, webhook.Sent + webhook.Dropped);
        Assert.Equal(0, webhook.Failed);
    }

    [Fact]
    public void CollectorSlowerThanTheTimeoutIsRetriedThenCounted()
    {
        _collector.Hold();
        using var webhook = new WebhookHandler(_collector.Uri, timeout: TimeSpan.FromMilliseconds(200), maxRetries: 1, baseDelay: TimeSpan.FromMilliseconds(1));
        webhook.Handle(End());
        Assert.True(webhook.Flush(Drain));
        Assert.Equal(1, webhook.Failed);
        Assert.Equal(1, webhook.Retried);
        Assert.Contains("did not answer", webhook.LastError);
    }

    [Fact]
    public void OnlyAbsoluteHttpUrlsAreAccepted()
    {
        Assert.Throws<ArgumentException>(() => new WebhookHandler(new Uri("ftp://example.com/x")));
        Assert.Throws<ArgumentException>(() => new WebhookHandler(new Uri("/relative", UriKind.Relative)));
    }

    [Fact]
    public void RecordFromAnEndWithoutItsStartStillHasThePrompt()
    {
        var response = new ChatResponse { Text = "hi", Model = "m", Messages = new[] { new ChatMessage("user", "q") }, Duration = TimeSpan.FromSeconds(1) };
        var end = new LlmEndEvent { Response = response };
        var record = JsonNode.Parse(InferenceRecord.From(null, end).ToJson())!;
        Assert.Equal("q", (string)record["prompt"]![0]!["content"]!);
        Assert.Equal("m", (string)record["model"]!);
        Assert.Equal(1000, (double)record["durationMs"]!);
    }

    private static LlmEndEvent End() => new() { Response = new ChatResponse { Text = "answer", Model = "m" } };

    private static Uri ClosedPortUri()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/collect");
    }

    private static void AssertNoSecrets(string? text)
    {
        Assert.DoesNotContain("collector-token-5566778899", text ?? string.Empty);
        Assert.DoesNotContain("blue-team-secret", text ?? string.Empty);
    }
}
