using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>What goes over the wire: credentials, headers, request fields, and live pumping.</summary>
public sealed class TransportTests : FakeServerTestBase
{
    [Fact]
    public void KeyIsSentAsBearerAndHeadersAreAdded()
    {
        Server.Enqueue(new FakeReply { Text = "ok" });
        var client = ChatHarness.Client(Server, headers: new Dictionary<string, string> { ["X-Team"] = "blue" });
        Assert.Equal("ok", ChatHarness.Run(client, new ChatRequest { Prompt = "x" }).Ok.Text);
        var request = Assert.Single(Server.Requests);
        Assert.Equal("Bearer " + ChatHarness.ApiKey, request.Headers["Authorization"]);
        Assert.Equal("blue", request.Headers["X-Team"]);
        Assert.Contains("PsLlm", request.Headers["User-Agent"]);
    }

    [Fact]
    public void LocalServerNeedsNoKeyAndGetsNoAuthorizationHeader()
    {
        Server.Enqueue(new FakeReply { Text = "ok" });
        var client = ChatHarness.Client(Server, apiKey: null);
        Assert.Equal("ok", ChatHarness.Run(client, new ChatRequest { Prompt = "x" }).Ok.Text);
        Assert.False(Server.Requests.Single().Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public void RequestCarriesTheParameters()
    {
        Server.Enqueue(new FakeReply { Text = "ok" });
        var request = new ChatRequest
        {
            Prompt = "p", System = "s", Model = "m1", Temperature = 0.5, TopP = 0.9, MaxTokens = 42,
            Stop = new[] { "END" }, Seed = 7, Stream = true,
        };
        Assert.Equal("ok", ChatHarness.Run(ChatHarness.Client(Server), request).Ok.Text);
        var body = Server.Requests.Single().Json!;
        Assert.Equal("m1", (string)body["model"]!);
        Assert.Equal("system", (string)body["messages"]![0]!["role"]!);
        Assert.Equal("s", (string)body["messages"]![0]!["content"]!);
        Assert.Equal("p", (string)body["messages"]![1]!["content"]!);
        Assert.Equal(0.5, (double)body["temperature"]!, 3);
        Assert.Equal(0.9, (double)body["top_p"]!, 3);
        Assert.Equal(42, (int)body["max_completion_tokens"]!);
        Assert.Equal("END", (string)body["stop"]![0]!);
        Assert.Equal(7, (long)body["seed"]!);
        Assert.True((bool)body["stream"]!);
        Assert.True((bool)body["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public void UnsetParametersAreNotSent()
    {
        Server.Enqueue(new FakeReply { Text = "ok" });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "p" });
        var body = Server.Requests.Single().Json!.AsObject();
        Assert.Equal(new[] { "messages", "model" }, body.Select(p => p.Key).OrderBy(k => k));
    }

    [Fact]
    public void PumpRunsBetweenTokensWhileTheAnswerArrives()
    {
        Server.Enqueue(new FakeReply { Tokens = Enumerable.Range(0, 10).Select(i => $"{i} ").ToList(), DelayMs = 30 });
        var pump = new RecordingPump();
        var log = new EventLog();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, local: new[] { log }, pump: pump);
        Assert.Equal(10, outcome.Ok.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        // The pump ran after each token was dispatched, i.e. before the next one: subscribers are live.
        var tokenTimes = log.Of<LlmNewTokenEvent>().Select(t => t.Timestamp).ToArray();
        for (var i = 0; i < tokenTimes.Length - 1; i++)
            Assert.Contains(pump.Times, t => t >= tokenTimes[i] && t <= tokenTimes[i + 1]);
    }

    [Fact]
    public void ConnectionIsReusedPerClient()
    {
        var client = ChatHarness.Client(Server);
        Server.Enqueue(new FakeReply { Text = "1" });
        Server.Enqueue(new FakeReply { Text = "2" });
        Assert.Null(LlmConnection.Existing(client));
        ChatHarness.Run(client, new ChatRequest { Prompt = "a" });
        var state = LlmConnection.Existing(client);
        ChatHarness.Run(client, new ChatRequest { Prompt = "b" });
        Assert.NotNull(state);
        Assert.Same(state, LlmConnection.Existing(client));
    }

    private sealed class RecordingPump : IRunPump
    {
        public List<DateTimeOffset> Times { get; } = new();
        public void Pump() => Times.Add(DateTimeOffset.UtcNow);
    }
}
