using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>What a session keeps: whole turns, tool calls included; nothing from a failed or stopped turn.</summary>
public sealed class SessionTurnTests : FakeServerTestBase
{
    [Fact]
    public void ToolCallsAndResultsBecomeHistoryAndAreSentNextTurn()
    {
        var session = new ChatSession(system: "be brief");
        var tool = new DelegateTool("add", "adds", """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"],"additionalProperties":false}""",
            a => ((long)a["a"]! + (long)a["b"]!).ToString());
        Server.Enqueue(new FakeReply { ToolCalls = new() { new FakeToolCall { Id = "c1", Name = "add", Arguments = """{"a":2,"b":3}""" } } });
        Server.Enqueue(new FakeReply { Text = "5" });
        Server.Enqueue(new FakeReply { Text = "10" });
        var client = ChatHarness.Client(Server);

        ChatHarness.Run(client, new ChatRequest { Prompt = "2+3?", Session = session, Tools = new LlmTool[] { tool }, Stream = true }).Ok.ToString();
        Assert.Equal(new[] { "user", "assistant", "tool", "assistant" }, session.Messages.Select(m => m.Role));
        Assert.Equal("c1", session.Messages[1].ToolCalls.Single().Id);
        Assert.Equal("5", session.Messages[2].Content);

        ChatHarness.Run(client, new ChatRequest { Prompt = "double it", Session = session }).Ok.ToString();
        var sent = Server.Requests[2].Json!["messages"]!.AsArray();
        Assert.Equal(new[] { "system", "user", "assistant", "tool", "assistant", "user" }, sent.Select(m => (string)m!["role"]!));
        Assert.Equal("c1", (string)sent[3]!["tool_call_id"]!);
        Assert.Equal(2, session.TurnCount);
        Assert.True(session.Usage.TotalTokens > 0);
    }

    [Fact]
    public void StoppedTurnLeavesTheSessionUnchanged()
    {
        var session = new ChatSession();
        Server.Enqueue(new FakeReply { Text = "first" });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "one", Session = session }).Ok.ToString();
        var before = session.Messages;

        Server.Enqueue(new FakeReply { Tokens = Enumerable.Range(0, 20).Select(i => $"t{i} ").ToList(), DelayMs = 100 });
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(350));
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "two", Session = session, Stream = true }, cancellationToken: stop.Token);
        Assert.IsType<OperationCanceledException>(outcome.Error);
        Assert.Equal(before, session.Messages);
        Assert.Equal(1, session.TurnCount);
    }
}
