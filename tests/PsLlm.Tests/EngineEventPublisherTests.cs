using System.Management.Automation;

namespace PsLlm.Tests;

/// <summary>Engine events PsLlm.&lt;EventName&gt;: generated only when subscribed, token events coalesced without loss.</summary>
public sealed class EngineEventPublisherTests : ModuleTestBase
{
    /// <summary>The events the session's -Action subscribers received, in the order PowerShell numbered them.</summary>
    private List<PSEventArgs> Received()
    {
        // Wait-Event runs the actions still queued.
        Session.Run("$null = Wait-Event -Timeout 1");
        return ((System.Collections.IList)Session.Get("received")!).Cast<PSEventArgs>().OrderBy(e => e.EventIdentifier).ToList();
    }

    private void Subscribe(params string[] names)
    {
        Session.Run("$global:received = [System.Collections.Generic.List[object]]::new()");
        foreach (var name in names)
            Session.Run("param($name) $null = Register-EngineEvent -SourceIdentifier $name -Action { $global:received.Add($Event) }", name);
    }

    [Fact]
    public void Only_subscribed_names_are_generated()
    {
        Subscribe("PsLlm.LlmEnd");
        EnqueueTokens(Words(20));
        EnqueueTokens(Words(20));
        Session.Run("1..2 | ForEach-Object { $null = Invoke-LlmChat 'x' -Client $client -Stream }");
        var ends = Received();
        Assert.Equal(2, ends.Count);
        Assert.All(ends, e => Assert.Equal("PsLlm.LlmEnd", e.SourceIdentifier));
        // PowerShell numbers every event it generates: nothing else was generated in between.
        Assert.Equal(ends[0].EventIdentifier + 1, ends[1].EventIdentifier);
        var end = Assert.IsType<LlmEndEvent>(ends[1].MessageData.BaseObject);
        Assert.Equal(string.Concat(Words(20)), end.Response.Text);
        Assert.Same(end, ends[1].SourceArgs[1]);
        Assert.Same(Session.Get("client"), ends[1].Sender);
    }

    [Fact]
    public void Token_events_are_coalesced_and_carry_every_token_in_order()
    {
        Subscribe("PsLlm.LlmNewToken", "PsLlm.LlmEnd");
        var words = Words(300).ToList();
        EnqueueTokens(words);
        Session.Run("$null = Invoke-LlmChat 'x' -Client $client -Stream");
        var events = Received();
        var batches = events.TakeWhile(e => e.SourceIdentifier == "PsLlm.LlmNewToken")
            .Select(e => (LlmNewTokenEvent)e.MessageData.BaseObject).ToList();
        // Tokens first, then LlmEnd: the pending batch is released before what follows the tokens.
        Assert.Equal(batches.Count + 1, events.Count);
        Assert.Equal("PsLlm.LlmEnd", events[^1].SourceIdentifier);
        Assert.True(batches.Count < 300, $"{batches.Count} events for 300 tokens: not coalesced");
        Assert.Equal(string.Concat(words), string.Concat(batches.Select(b => b.Token)));
        Assert.Equal(300, batches.Sum(b => b.Count));
        Assert.Equal(batches.Select(b => b.Index).Order(), batches.Select(b => b.Index));
    }

    [Fact]
    public void A_slow_models_tokens_are_published_as_they_arrive()
    {
        Subscribe("PsLlm.LlmNewToken");
        EnqueueTokens(Words(4), delayMs: 150);
        Session.Run("$null = Invoke-LlmChat 'x' -Client $client -Stream");
        var batches = Received().Select(e => (LlmNewTokenEvent)e.MessageData.BaseObject).ToList();
        Assert.Equal(4, batches.Count);
        Assert.All(batches, b => Assert.Equal(1, b.Count));
    }
}
