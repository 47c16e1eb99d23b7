using System.Diagnostics;
using System.Globalization;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Honest endings and honest waiting under faults, over HTTP on loopback: a stream that stops
/// short is an error and leaves the session alone; retries wait what the server asked, never more
/// than the client allows, and say why; timeouts are timeouts, also after retries.
/// </summary>
public sealed class FaultTests : FakeServerTestBase
{
    [Fact]
    public void A_stream_that_stops_short_is_incomplete_and_the_session_is_unchanged()
    {
        var session = new ChatSession();
        Server.Enqueue(new FakeReply { Dialect = "ollama-stream-ends-short" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi", Session = session, Stream = true });

        var error = outcome.Failure;
        Assert.Equal("LlmIncompleteResponse", error.ErrorId);
        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
        Assert.Equal("Hel", error.PartialText);
        Assert.Equal("Hel", error.PartialResponse!.Text);
        Assert.True(error.PartialResponse.IsPartial);
        Assert.Equal("Hel", outcome.Log.Of<LlmErrorEvent>().Single().PartialText);
        Assert.Empty(session.Messages);
    }

    [Fact]
    public void An_error_inside_the_stream_wins_over_the_DONE_that_follows()
    {
        var session = new ChatSession();
        Server.Enqueue(new FakeReply { Dialect = "vllm-error-frame-then-done" });
        var error = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi", Session = session, Stream = true }).Failure;
        Assert.Equal("LlmServerError", error.ErrorId);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal("500", error.ServerErrorCode);
        Assert.Contains("Internal server error", error.Message);
        Assert.Equal("Hel", error.PartialText);
        Assert.Empty(session.Messages);
    }

    [Fact]
    public void A_proxy_page_is_named_by_its_title_and_kept_whole_on_the_exception()
    {
        Server.Enqueue(new FakeReply { Dialect = "html-page-200" });
        var error = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi" }).Failure;
        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("\"Access Denied - Corporate Proxy\"", error.Message);
        Assert.DoesNotContain("<body>", error.Message);
        Assert.Contains("<p>Policy blocks this site.</p>", error.ResponseBody);
    }

    [Fact]
    public void An_HTML_error_status_is_shortened_to_its_title()
    {
        Server.Enqueue(new FakeReply
        {
            Status = 502,
            Body = System.Text.Json.Nodes.JsonValue.Create("<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"),
        });
        var error = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi" }).Failure;
        Assert.Equal("LlmServerError", error.ErrorId);
        Assert.Contains("502 Bad Gateway", error.Message);
        Assert.DoesNotContain("<center>", error.Message);
    }

    [Fact]
    public void Retry_after_as_an_HTTP_date_is_honoured_and_reported_as_waited()
    {
        var when = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R", CultureInfo.InvariantCulture);
        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "slow down", Headers = new() { ["Retry-After"] = when } });
        Server.Enqueue(new FakeReply { Text = "ok" });
        var clock = Stopwatch.StartNew();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server, maxRetries: 1), new ChatRequest { Prompt = "x" });
        Assert.Equal("ok", outcome.Ok.Text);
        var retry = Assert.Single(outcome.Log.Of<RetryEvent>());
        Assert.Equal(429, retry.StatusCode);
        Assert.Equal("HTTP 429", retry.Reason);
        // RFC 1123 dates have whole seconds: the wait is between 1 and 2 seconds, and it was waited.
        Assert.InRange(retry.Delay, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.1));
        Assert.True(clock.Elapsed >= retry.Delay, $"waited {clock.Elapsed}, reported {retry.Delay}");
    }

    [Fact]
    public void Retry_after_ms_is_honoured_exactly()
    {
        Server.Enqueue(new FakeReply { Status = 503, ErrorMessage = "busy", Headers = new() { ["retry-after-ms"] = "250", ["Retry-After"] = "30" } });
        Server.Enqueue(new FakeReply { Text = "ok" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server, maxRetries: 1), new ChatRequest { Prompt = "x", Stream = true });
        Assert.Equal("ok", outcome.Ok.Text);
        var retry = Assert.Single(outcome.Log.Of<RetryEvent>());
        Assert.Equal(TimeSpan.FromMilliseconds(250), retry.Delay);
        Assert.Equal(503, retry.StatusCode);
    }

    [Fact]
    public void A_server_asking_for_longer_than_MaxRetryDelay_fails_at_once_with_its_wait()
    {
        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "daily quota", Headers = new() { ["Retry-After"] = "3600" } });
        var client = new LlmClient(Server.BaseUri, ChatHarness.Secure(ChatHarness.ApiKey), "m", maxRetries: 3, maxRetryDelay: TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x" });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        var error = outcome.Failure;
        Assert.Equal("LlmRateLimited", error.ErrorId);
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Contains("1 hours", error.RecommendedAction);
        Assert.Single(Server.Requests);
        Assert.Empty(outcome.Log.Of<RetryEvent>());
    }

    [Fact]
    public void A_timeout_that_is_retried_says_timeout()
    {
        Server.Enqueue(new FakeReply { Text = "late", FirstTokenDelayMs = 2000 });
        Server.Enqueue(new FakeReply { Text = "ok" });
        var client = ChatHarness.Client(Server, maxRetries: 1, timeout: TimeSpan.FromMilliseconds(400));
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x" });
        Assert.Equal("ok", outcome.Ok.Text);
        var retry = Assert.Single(outcome.Log.Of<RetryEvent>());
        Assert.Equal("timeout", retry.Reason);
        Assert.Null(retry.StatusCode);
    }

    [Fact]
    public void A_timeout_after_retries_is_still_a_timeout()
    {
        Server.Enqueue(new FakeReply { Text = "late", FirstTokenDelayMs = 2000 });
        Server.Enqueue(new FakeReply { Text = "late", FirstTokenDelayMs = 2000 });
        var client = ChatHarness.Client(Server, maxRetries: 1, timeout: TimeSpan.FromMilliseconds(300));
        var error = ChatHarness.Run(client, new ChatRequest { Prompt = "x" }).Failure;
        Assert.Equal(LlmErrorKind.Timeout, error.Kind);
        Assert.Equal("LlmTimeout", error.ErrorId);
    }

    [Fact]
    public void Silence_between_two_chunks_longer_than_the_timeout_is_a_timeout_that_keeps_the_text()
    {
        Server.Enqueue(new FakeReply { Tokens = ["first ", "second"], StallAfterTokens = 1, StallMs = 3000 });
        var client = ChatHarness.Client(Server, timeout: TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        var error = ChatHarness.Run(client, new ChatRequest { Prompt = "x", Stream = true }).Failure;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"took {clock.Elapsed}");
        Assert.Equal("LlmTimeout", error.ErrorId);
        Assert.Equal("first ", error.PartialText);
        Assert.Contains("0.5 seconds", error.Message);
    }

    [Fact]
    public void Pauses_shorter_than_the_timeout_are_waited_out()
    {
        Server.Enqueue(new FakeReply { Tokens = ["first ", "second"], StallAfterTokens = 1, StallMs = 400, FirstTokenDelayMs = 300 });
        var client = ChatHarness.Client(Server, timeout: TimeSpan.FromMilliseconds(800));
        Assert.Equal("first second", ChatHarness.Run(client, new ChatRequest { Prompt = "x", Stream = true }).Ok.Text);
    }
}
