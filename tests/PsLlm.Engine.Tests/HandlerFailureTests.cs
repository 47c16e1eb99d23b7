using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>A failing handler is reported and skipped, unless it asked to stop the run (RaiseError).</summary>
public sealed class HandlerFailureTests : FakeServerTestBase
{
    private sealed class ThrowOnToken : CallbackHandler
    {
        public int Calls;
        public ThrowOnToken() => Name = "thrower";
        public override void OnLlmNewToken(LlmNewTokenEvent e)
        {
            Calls++;
            if (e.Index == 1) throw new InvalidOperationException("boom at token 1");
        }
    }

    [Fact]
    public void FailingHandlerIsReportedAndTheChatGoesOn()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "one ", "two ", "three" } });
        var thrower = new ThrowOnToken();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true, Callbacks = new CallbackHandler[] { thrower } });

        Assert.Equal("one two three", outcome.Ok.Text);
        Assert.Equal(3, thrower.Calls);
        var report = Assert.Single(outcome.Sink.Reports);
        Assert.Equal("thrower", report.Handler);
        Assert.Equal(LlmEventName.LlmNewToken, report.Event);
        Assert.Equal("boom at token 1", report.Error.Message);
        // Handlers after the failing one still got the token.
        Assert.Equal(3, outcome.Log.Of<LlmNewTokenEvent>().Count());
    }

    [Fact]
    public void RaiseErrorHandlerStopsTheRunWithPartialText()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "one ", "two ", "three" }, DelayMs = 20 });
        var thrower = new ThrowOnToken { RaiseError = true };
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true, Callbacks = new CallbackHandler[] { thrower } });

        var error = outcome.Failure;
        Assert.Equal(LlmErrorKind.CallbackFailed, error.Kind);
        Assert.Equal("LlmCallbackFailed", error.ErrorId);
        Assert.Contains("thrower", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal("one two ", error.PartialText);
        Assert.True(error.PartialResponse!.IsPartial);
        Assert.Empty(outcome.Sink.Reports);
        var names = outcome.Log.Names;
        Assert.Equal(LlmEventName.LlmError, names[^2]);
        Assert.Equal(LlmEventName.ChainError, names[^1]);
        Assert.Equal("one two ", outcome.Log.Of<LlmErrorEvent>().Single().PartialText);
        Assert.DoesNotContain(LlmEventName.LlmEnd, names);
    }

    [Fact]
    public void HandlersRunOnTheCallingThread()
    {
        Server.Enqueue(new FakeReply { Tokens = new() { "a", "b", "c", "d" }, DelayMs = 5 });
        var thread = Environment.CurrentManagedThreadId;
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true });
        Assert.Equal("abcd", outcome.Ok.Text);
        Assert.All(outcome.Log.Threads, t => Assert.Equal(thread, t));
    }

    [Fact]
    public void LlmStartFallbackReceivesMessagesAsText()
    {
        Server.Enqueue(new FakeReply { Text = "ok" });
        var handler = new LlmStartOnly();
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hello", System = "be brief", Callbacks = new CallbackHandler[] { handler } });
        Assert.Equal("ok", outcome.Ok.Text);
        var start = Assert.Single(handler.Starts);
        Assert.Equal("system: be brief\nuser: hello", Assert.Single(start.Prompts));
        Assert.Equal(outcome.Ok.RunId, start.RunId);
    }

    private sealed class LlmStartOnly : CallbackHandler
    {
        public List<LlmStartEvent> Starts { get; } = new();
        public override void OnLlmStart(LlmStartEvent e) => Starts.Add(e);
    }
}
