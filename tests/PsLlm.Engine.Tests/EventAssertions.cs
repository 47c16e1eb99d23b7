using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The shape every successful chat run must have, whatever the transport.</summary>
internal static class EventAssertions
{
    public static void AssertWellFormedRun(EventLog log, ChatResponse response)
    {
        var events = log.Events;
        var names = log.Names.ToList();
        Assert.Equal(LlmEventName.ChainStart, names[0]);
        Assert.Equal(LlmEventName.ChainEnd, names[^1]);
        var modelStart = names.IndexOf(LlmEventName.ChatModelStart);
        var end = names.IndexOf(LlmEventName.LlmEnd);
        Assert.True(0 < modelStart && modelStart < end && end < names.Count - 1, "ChainStart < ChatModelStart < LlmEnd < ChainEnd: " + string.Join(",", names));
        // Tokens only between the model start and its end.
        for (var i = 0; i < names.Count; i++)
            if (names[i] == LlmEventName.LlmNewToken) Assert.InRange(i, modelStart + 1, end - 1);

        var chainRun = events[0].RunId;
        Assert.Null(events[0].ParentRunId);
        Assert.Equal(chainRun, response.ChainRunId);
        foreach (var e in events)
        {
            if (e.Kind is LlmEventName.ChainStart or LlmEventName.ChainEnd or LlmEventName.Text)
            {
                Assert.Equal(chainRun, e.RunId);
                Assert.Null(e.ParentRunId);
            }
            else
            {
                Assert.Equal(response.RunId, e.RunId);
                Assert.Equal(chainRun, e.ParentRunId);
            }
        }
        Assert.NotEqual(chainRun, response.RunId);

        var tokens = log.Of<LlmNewTokenEvent>().ToArray();
        Assert.Equal(Enumerable.Range(0, tokens.Length), tokens.Select(t => t.Index));
        Assert.All(tokens, t => Assert.Equal(t.Token, t.Chunk.Text));
        Assert.Same(response, log.Of<LlmEndEvent>().Single().Response);
        Assert.Same(response, log.Of<ChainEndEvent>().Single().Outputs);
        var stamps = events.Select(e => e.Timestamp).ToArray();
        Assert.Equal(stamps.OrderBy(t => t), stamps);
    }
}
