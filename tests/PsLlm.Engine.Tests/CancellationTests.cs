using System.Diagnostics;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Stopping a run (Ctrl+C) ends it promptly, cancels the request and keeps the partial text.</summary>
public sealed class CancellationTests : FakeServerTestBase
{
    private sealed class CancelAfter : CallbackHandler
    {
        private readonly int _tokens;
        private readonly CancellationTokenSource _source;
        public CancelAfter(int tokens, CancellationTokenSource source) { _tokens = tokens; _source = source; }
        public override void OnLlmNewToken(LlmNewTokenEvent e)
        {
            if (e.Index + 1 == _tokens) _source.Cancel();
        }
    }

    [Fact]
    public void CancelMidStreamRaisesErrorEventsWithPartialText()
    {
        var tokens = Enumerable.Range(0, 20).Select(i => $"t{i} ").ToList();
        Server.Enqueue(new FakeReply { Tokens = tokens, DelayMs = 250 });
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true },
            local: new[] { new CancelAfter(3, stop) }, cancellationToken: stop.Token);

        var cancelled = Assert.IsType<OperationCanceledException>(outcome.Error);
        var error = Assert.IsType<LlmException>(cancelled.InnerException);
        Assert.Equal(LlmErrorKind.Cancelled, error.Kind);
        Assert.Equal("t0 t1 t2 ", error.PartialText);
        Assert.Equal("t0 t1 t2 ", outcome.Log.Of<LlmErrorEvent>().Single().PartialText);
        Assert.Single(outcome.Log.Of<ChainErrorEvent>());
        // Cancelled after 3 tokens (~0.75 s): well before the 5 s the whole answer takes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public void CancelBeforeAnswerStillRaisesErrorEvents()
    {
        Server.Enqueue(new FakeReply { Text = "slow", DelayMs = 5000 });
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x" }, cancellationToken: stop.Token);
        var cancelled = Assert.IsType<OperationCanceledException>(outcome.Error);
        Assert.Equal(string.Empty, ((LlmException)cancelled.InnerException!).PartialText);
        Assert.Equal(new[] { LlmEventName.LlmError, LlmEventName.ChainError }, outcome.Log.Names.TakeLast(2));
    }
}
