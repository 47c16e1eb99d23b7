using System.Net;
using System.Net.Sockets;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>HTTP and network failures become specific LlmExceptions, with events and partial text.</summary>
public sealed class ErrorMappingTests : FakeServerTestBase
{
    [Theory]
    [InlineData(401, LlmErrorKind.Authentication, "LlmAuthenticationFailed")]
    [InlineData(403, LlmErrorKind.PermissionDenied, "LlmPermissionDenied")]
    [InlineData(404, LlmErrorKind.NotFound, "LlmModelNotFound")]
    [InlineData(429, LlmErrorKind.RateLimited, "LlmRateLimited")]
    [InlineData(400, LlmErrorKind.BadRequest, "LlmBadRequest")]
    [InlineData(500, LlmErrorKind.ServerError, "LlmServerError")]
    [InlineData(503, LlmErrorKind.ServerError, "LlmServerError")]
    public void StatusMapsToKind(int status, LlmErrorKind kind, string errorId)
    {
        Server.Enqueue(new FakeReply { Status = status, ErrorMessage = $"server says {status}", ErrorCode = "some_code" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true });
        var error = outcome.Failure;
        Assert.Equal(kind, error.Kind);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("some_code", error.ServerErrorCode);
        Assert.Contains($"server says {status}", error.Message);
        Assert.NotNull(error.RecommendedAction);
        Assert.Equal(status, outcome.Log.Of<LlmErrorEvent>().Single().StatusCode);
        Assert.Single(outcome.Log.Of<ChainErrorEvent>());
    }

    [Fact]
    public void NotFoundNamesTheModel()
    {
        Server.Enqueue(new FakeReply { Status = 404, ErrorMessage = "The model `nope` does not exist" });
        var error = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Model = "nope" }).Failure;
        Assert.Contains("'nope'", error.Message);
    }

    [Fact]
    public void RateLimitKeepsRetryAfterAndRetriesAreReported()
    {
        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "slow down", Headers = new() { ["Retry-After"] = "0" } });
        Server.Enqueue(new FakeReply { Text = "finally" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server, maxRetries: 1), new ChatRequest { Prompt = "x", Stream = true });
        Assert.Equal("finally", outcome.Ok.Text);
        var retry = Assert.Single(outcome.Log.Of<RetryEvent>());
        Assert.Equal(1, retry.Attempt);
        Assert.Equal(429, retry.StatusCode);
        Assert.Equal(outcome.Ok.RunId, retry.RunId);
        Assert.Equal(2, Server.Requests.Count);

        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "slow down", Headers = new() { ["Retry-After"] = "7" } });
        var error = ChatHarness.Run(ChatHarness.Client(Server, maxRetries: 0), new ChatRequest { Prompt = "x" }).Failure;
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public void MidStreamDisconnectKeepsPartialText()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "alpha ", "beta ", "gamma ", "delta" }, DisconnectAfterTokens = 2 });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true });
        var error = outcome.Failure;
        Assert.Equal(LlmErrorKind.Connection, error.Kind);
        Assert.Equal("alpha beta ", error.PartialText);
        Assert.Equal("alpha beta ", error.PartialResponse!.Text);
        Assert.Equal("alpha beta ", outcome.Log.Of<LlmErrorEvent>().Single().PartialText);
        Assert.Equal("alpha beta ", outcome.Log.Of<ChainErrorEvent>().Single().PartialText);
        Assert.Equal(2, outcome.Log.Of<LlmNewTokenEvent>().Count());
    }

    [Fact]
    public void RefusedConnectionIsAConnectionError()
    {
        // A port that was just free: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new LlmClient(new Uri($"http://127.0.0.1:{port}/v1"), null, "m", maxRetries: 0);
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x" });
        Assert.Equal(LlmErrorKind.Connection, outcome.Failure.Kind);
        Assert.Equal("LlmConnectionFailed", outcome.Failure.ErrorId);
        Assert.Single(outcome.Log.Of<LlmErrorEvent>());
    }

    [Fact]
    public void SlowServerTimesOut()
    {
        Server.Enqueue(new FakeReply { Text = "late", DelayMs = 3000 });
        var client = ChatHarness.Client(Server, timeout: TimeSpan.FromMilliseconds(300));
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x" });
        Assert.Equal(LlmErrorKind.Timeout, outcome.Failure.Kind);
        Assert.Equal("LlmTimeout", outcome.Failure.ErrorId);
    }

    [Fact]
    public void ServerThatRejectsStreamOptionsStillStreams()
    {
        // The fake answers 400 to stream_options and keeps the reply for the retry without it.
        Server.Enqueue(new FakeReply { RejectStreamOptions = true, Tokens = new() { "works", " anyway" } });
        var client = ChatHarness.Client(Server);
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "x", Stream = true });
        Assert.Equal("works anyway", outcome.Ok.Text);
        Assert.Null(outcome.Ok.Usage);
        Assert.Equal(2, Server.Requests.Count);
        Assert.NotNull(Server.Requests[0].Json!["stream_options"]);
        Assert.Null(Server.Requests[1].Json!["stream_options"]);
        // Learned once per client: the next stream goes straight out without it.
        Server.Enqueue(new FakeReply { Text = "again" });
        Assert.Equal("again", ChatHarness.Run(client, new ChatRequest { Prompt = "y", Stream = true }).Ok.Text);
        Assert.Equal(3, Server.Requests.Count);
        Assert.Null(Server.Requests[2].Json!["stream_options"]);
    }
}
