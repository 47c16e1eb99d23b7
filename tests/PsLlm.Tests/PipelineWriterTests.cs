using System.Management.Automation;

namespace PsLlm.Tests;

/// <summary>-Stream and -AsEvents: objects in the pipeline as they happen, and a downstream stop ends the run.</summary>
public sealed class PipelineWriterTests : ModuleTestBase
{
    [Fact]
    public void Stream_writes_chat_tokens_in_order()
    {
        EnqueueTokens(["Hel", "lo", " there"]);
        var output = Session.Run("Invoke-LlmChat 'x' -Client $client -Stream");
        var tokens = output.Select(o => Assert.IsType<ChatToken>(o.BaseObject)).ToList();
        Assert.Equal(["Hel", "lo", " there"], tokens.Select(t => t.Text));
        Assert.Equal([0, 1, 2], tokens.Select(t => t.Index));
        Assert.Single(tokens.Select(t => t.RunId).Distinct());
    }

    [Fact]
    public void Stream_PassThru_ends_with_the_whole_response()
    {
        EnqueueTokens(["a", "b"]);
        var output = Session.Run("Invoke-LlmChat 'x' -Client $client -Stream -PassThru");
        Assert.Equal(3, output.Count);
        var response = Assert.IsType<ChatResponse>(output[2].BaseObject);
        Assert.Equal("ab", response.Text);
    }

    [Fact]
    public void AsEvents_writes_every_event_in_order_with_one_tree_of_run_ids()
    {
        EnqueueTokens(["a", "b"]);
        var events = Session.Run("Invoke-LlmChat 'x' -Client $client -AsEvents").Select(o => Assert.IsAssignableFrom<LlmEvent>(o.BaseObject)).ToList();
        Assert.Equal(
            ["ChainStart", "Text", "ChatModelStart", "LlmNewToken", "LlmNewToken", "LlmEnd", "ChainEnd"],
            events.Select(e => e.EventName));
        var chain = events[0].RunId;
        Assert.All(events.Where(e => e.EventName.StartsWith("Llm") || e.EventName == "ChatModelStart"), e => Assert.Equal(chain, e.ParentRunId));
        Assert.Null(events[0].ParentRunId);
    }

    [Fact]
    public void A_downstream_stop_ends_the_run_without_an_error()
    {
        EnqueueTokens(Words(50), delayMs: 100);
        var started = DateTime.UtcNow;
        var output = Session.Run("Invoke-LlmChat 'x' -Client $client -Stream | Select-Object -First 2");
        Assert.Equal(2, output.Count);
        Assert.Empty(Session.Streams.Error);
        // The stream is abandoned, not read to its end (50 × 100 ms).
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "the run went on after Select-Object -First stopped it");
    }
}
