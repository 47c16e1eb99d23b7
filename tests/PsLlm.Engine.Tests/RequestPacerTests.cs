using PsLlm.Engine.Transport;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// One pace per client: a 429 holds back every request of the client, not only its own retry;
/// rate-limit headers that say nothing is left pause it until their reset; requests- and
/// tokens-per-minute caps spread requests out. Times here are lower bounds only (a request may
/// never go early), so a slow machine cannot make them fail.
/// </summary>
public sealed class RequestPacerTests : FakeServerTestBase
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("59.56s", 59_560)]
    [InlineData("20ms", 20)]
    [InlineData("1h2m3s", 3_723_000)]
    [InlineData("12", 12_000)]
    [InlineData("0.5", 500)]
    [InlineData("2026-12-01T12:00:07Z", 7000)]
    public void Reset_times_are_read_as_servers_write_them(string value, int milliseconds) =>
        Assert.Equal(Now + TimeSpan.FromMilliseconds(milliseconds), RequestPacer.ResetTime(value, Now));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 parsecs")]
    public void A_reset_that_cannot_be_read_is_ignored(string value) => Assert.Null(RequestPacer.ResetTime(value, Now));

    private List<ConcurrentChatOutcome> RunConcurrently(LlmClient client, int count, int limit)
    {
        using var chats = new ConcurrentChats(limit, ordered: false, CancellationToken.None);
        var outcomes = new List<ConcurrentChatOutcome>();
        for (var i = 0; i < count; i++)
        {
            chats.Add(client, new ChatRequest { Prompt = $"q{i}" }, new RunOptions { LocalHandlers = [new EventLog()], ErrorSink = new CollectingErrorSink() }, i);
            while (chats.IsFull) outcomes.AddRange(chats.Wait(pump: null));
        }
        outcomes.AddRange(chats.Wait(pump: null, all: true));
        return outcomes;
    }

    [Fact]
    public void A_429_holds_back_every_request_of_the_client_until_the_wait_it_names()
    {
        Server.Enqueue(new FakeReply { ForPrompt = "q0", Status = 429, ErrorMessage = "Rate limit reached", Headers = new() { ["retry-after"] = "1" } });
        var client = ChatHarness.Client(Server, maxRetries: 2);

        // q0 goes first and alone; the others start once it was refused.
        var first = RunConcurrently(client, 1, 1);
        var refusedAt = Server.Requests[0].ReceivedAt;
        var outcomes = RunConcurrently(client, 6, 6);

        Assert.NotNull(first.Single().Response);
        Assert.All(outcomes, o => Assert.NotNull(o.Response));
        // Every request after the refusal (q0's retry and all six others) waited the second it named.
        Assert.All(Server.Requests.Skip(1), r => Assert.True(r.ReceivedAt - refusedAt >= TimeSpan.FromMilliseconds(950), $"a request went {(r.ReceivedAt - refusedAt).TotalMilliseconds} ms after the 429"));
    }

    [Fact]
    public void Headers_that_say_nothing_is_left_pause_the_client_until_their_reset()
    {
        Server.Enqueue(new FakeReply { ForPrompt = "q0", Text = "last one", Headers = new() { ["x-ratelimit-remaining-requests"] = "0", ["x-ratelimit-reset-requests"] = "800ms" } });
        var client = ChatHarness.Client(Server);

        RunConcurrently(client, 1, 1);
        var lastAllowed = Server.Requests[0].ReceivedAt;
        RunConcurrently(client, 3, 3);

        Assert.Equal(4, Server.Requests.Count);
        Assert.All(Server.Requests.Skip(1), r => Assert.True(r.ReceivedAt - lastAllowed >= TimeSpan.FromMilliseconds(750)));
    }

    [Fact]
    public void RequestsPerMinute_spreads_the_starts_of_concurrent_requests()
    {
        var client = new LlmClient(Server.BaseUri, ChatHarness.Secure(ChatHarness.ApiKey), "fake-model", maxRetries: 0) { RequestsPerMinute = 300 }; // one per 200 ms

        var outcomes = RunConcurrently(client, 5, 5);

        Assert.All(outcomes, o => Assert.NotNull(o.Response));
        var arrivals = Server.Requests.Select(r => r.ReceivedAt).Order().ToArray();
        for (var i = 1; i < arrivals.Length; i++)
            Assert.True(arrivals[i] - arrivals[i - 1] >= TimeSpan.FromMilliseconds(180), $"requests {i - 1} and {i} came {(arrivals[i] - arrivals[i - 1]).TotalMilliseconds} ms apart");
    }

    [Fact]
    public void TokensPerMinute_holds_a_request_until_the_budget_has_room_for_it()
    {
        var pacer = new RequestPacer(requestsPerMinute: null, tokensPerMinute: 600); // 10 tokens a second
        var clock = System.Diagnostics.Stopwatch.StartNew();
        pacer.WaitTurn(600, CancellationToken.None); // the whole budget, at once
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500));
        pacer.WaitTurn(5, CancellationToken.None); // half a second of refill
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"waited {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void A_stopped_wait_ends_at_once()
    {
        var pacer = new RequestPacer(requestsPerMinute: 1, tokensPerMinute: null);
        pacer.WaitTurn(1, CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => pacer.WaitTurn(1, stop.Token));
    }
}
