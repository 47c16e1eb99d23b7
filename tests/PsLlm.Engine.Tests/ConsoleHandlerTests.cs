using System.Text;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The console handler writes tokens the moment they arrive, and headers, tools and usage on lines of their own.</summary>
public sealed class ConsoleHandlerTests : FakeServerTestBase
{
    [Fact]
    public void TokensAreWrittenAsTheyArrive()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink);
        var probe = new TokenProbe(sink);
        Server.Enqueue(new FakeReply { Tokens = new List<string> { "Hel", "lo", ", ", "world" }, DelayMs = 5 });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, new CallbackHandler[] { console, probe });

        Assert.Equal("Hello, world", outcome.Ok.Text);
        // When the k-th token event reached the next handler, the console already showed tokens 1..k.
        Assert.Equal(new[] { "Hel", "Hello", "Hello, ", "Hello, world" }, probe.Seen);
        Assert.Equal("Hello, world\n", sink.Text);
        Assert.All(sink.Writes, w => Assert.Null(w.Color));
    }

    [Fact]
    public void HeadersAndUsageGoOnLinesOfTheirOwnInColour()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink) { ShowRunHeaders = true, ShowUsage = true };
        Server.Enqueue(new FakeReply { Tokens = new List<string> { "a", "b" }, PromptTokens = 7, CompletionTokens = 2 });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, new[] { console }).Ok.ToString();

        var lines = sink.Text.Split('\n');
        Assert.Equal("> Entering chain Invoke-LlmChat", lines[0]);
        Assert.Equal("> Chat model fake-model (1 message)", lines[1]);
        Assert.Equal("ab", lines[2]);
        Assert.StartsWith("[fake-model: 7 in / 2 out, stop, ", lines[3]);
        Assert.Contains("first token", lines[3]);
        Assert.StartsWith("> Finished chain Invoke-LlmChat in ", lines[4]);
        Assert.Equal(ConsoleColor.Cyan, sink.Writes[0].Color);
        Assert.Equal(ConsoleColor.DarkGray, sink.Writes.Single(w => w.Text.StartsWith("[fake-model")).Color);
        Assert.All(sink.Writes.Where(w => w.Text is "a" or "b"), w => Assert.Null(w.Color));
    }

    [Fact]
    public void ReasoningIsDimmedAndTheAnswerStartsOnItsOwnLine()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink);
        Server.Enqueue(new FakeReply { Dialect = "deepseek-reasoning-content" });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, new[] { console }).Ok.ToString();

        Assert.Equal("A simple greeting.\nHello\n", sink.Text);
        Assert.Equal(ConsoleColor.DarkGray, sink.Writes.Single(w => w.Text == "A simple greeting.").Color);
        Assert.Null(sink.Writes.Single(w => w.Text == "Hello").Color);
    }

    [Fact]
    public void WithoutColourEveryWriteIsPlain()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink) { ShowRunHeaders = true, ShowUsage = true, ShowToolCalls = true, UseColor = false };
        Server.Enqueue(new FakeReply { Tokens = new List<string> { "a" } });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, new[] { console }).Ok.ToString();
        Assert.NotEmpty(sink.Writes);
        Assert.All(sink.Writes, w => Assert.Null(w.Color));
    }

    [Fact]
    public void NoTokensShowsOnlyWhatWasAskedFor()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink) { ShowTokens = false, ShowUsage = true };
        Server.Enqueue(new FakeReply { Tokens = new List<string> { "secret", "answer" } });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Stream = true }, new[] { console }).Ok.ToString();
        Assert.DoesNotContain("secret", sink.Text);
        Assert.StartsWith("[fake-model: ", sink.Text);
    }

    [Fact]
    public void ToolCallsAndFailuresAreShownWhenAsked()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink) { ShowToolCalls = true, ShowRunHeaders = true };
        console.Handle(new LlmNewTokenEvent { Token = "thinking", Chunk = new ChatToken { Text = "thinking" } });
        console.Handle(new AgentActionEvent { ToolName = "add", Arguments = "{\"a\":1}", ToolCallId = "c1" });
        console.Handle(new ToolEndEvent { ToolName = "add", Output = new string('9', 500), Duration = TimeSpan.FromMilliseconds(20) });
        console.Handle(new ToolErrorEvent { ToolName = "div", Error = new DivideByZeroException("zero") });
        console.Handle(new AgentFinishEvent { Output = "done", Rounds = 2 });
        console.Handle(new LlmErrorEvent { Error = new LlmException(LlmErrorKind.Connection, "LlmConnectionFailed", "dropped") });

        var lines = sink.Text.Split('\n');
        Assert.Equal("thinking", lines[0]); // a header never runs into a streamed answer
        Assert.Equal("> Tool call add({\"a\":1})", lines[1]);
        Assert.StartsWith("> Tool add returned in 0.02 s: 999", lines[2]);
        Assert.EndsWith("…", lines[2]);
        Assert.True(lines[2].Length < 300, "long tool output is clipped");
        Assert.Equal("> Tool div failed: zero", lines[3]);
        Assert.Equal("> Answer after 2 rounds", lines[4]);
        Assert.Equal("> Chat model failed: dropped", lines[5]);
        Assert.Equal(ConsoleColor.Red, sink.Writes.Single(w => w.Text.StartsWith("> Tool div")).Color);
    }

    [Fact]
    public void NothingButTokensByDefault()
    {
        var sink = new RecordingSink();
        var console = new ConsoleHandler(sink);
        foreach (var e in LlmEventJsonTests.SampleEvents().Where(e => e is not LlmNewTokenEvent)) console.Handle(e);
        Assert.Equal(string.Empty, sink.Text);
    }

    /// <summary>Keeps every write with its colour.</summary>
    private sealed class RecordingSink : IConsoleSink
    {
        private readonly List<(string Text, ConsoleColor? Color)> _writes = new();
        public IReadOnlyList<(string Text, ConsoleColor? Color)> Writes { get { lock (_writes) return _writes.ToArray(); } }
        public string Text => string.Concat(Writes.Select(w => w.Text));
        public void Write(string text, ConsoleColor? color = null) { lock (_writes) _writes.Add((text, color)); }
    }

    /// <summary>Registered after the console handler: snapshots what the console showed at each token.</summary>
    private sealed class TokenProbe : CallbackHandler
    {
        private readonly RecordingSink _sink;
        public TokenProbe(RecordingSink sink) => _sink = sink;
        public List<string> Seen { get; } = new();
        public override void OnLlmNewToken(LlmNewTokenEvent e) => Seen.Add(_sink.Text);
    }
}
