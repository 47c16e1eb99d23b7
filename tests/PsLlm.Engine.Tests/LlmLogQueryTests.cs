using PsLlm.Engine.Observability.Logging;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>Get-LlmLog's filters over runs written straight to the store: full-text search, models, tags, time, kinds, errors, trees.</summary>
public sealed class LlmLogQueryTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly TempLogFile _log = new();

    public void Dispose() => _log.Dispose();

    private IReadOnlyList<LlmLogEntry> Query(LogQuery query) => _log.Store.Query(query with { Last = query.Last == 20 ? 0 : query.Last });

    private void Seed()
    {
        _log.Store.Write(new[]
        {
            TempLogFile.Llm("gpt-4o-mini", "Tell me about owls", "Owls are nocturnal birds of prey.", at: Noon, tags: new[] { "birds" }),
            TempLogFile.Llm("gpt-4o", "Café opening hours?", "Most cafés open at eight.", at: Noon.AddHours(1), tags: new[] { "food", "city" }),
            TempLogFile.Llm("llama3.2", "What do cats eat?", "Cats are carnivores.", at: Noon.AddHours(2), responseModel: "llama3.2:latest"),
            TempLogFile.Llm("gpt-4o-mini", "Owl AND (eagle", "Both are raptors: \"birds\".", at: Noon.AddDays(1), tags: new[] { "birds" }),
        });
    }

    [Fact]
    public void SearchFindsWordsInPromptsAndResponses()
    {
        Seed();
        Assert.Equal(new[] { "Tell me about owls" }, Query(new LogQuery { Search = "nocturnal" }).Select(r => r.Prompt));
        Assert.Equal(new[] { "Tell me about owls" }, Query(new LogQuery { Search = "OWLS prey" }).Select(r => r.Prompt));
        Assert.Equal(2, Query(new LogQuery { Search = "owl*" }).Count);
        Assert.Equal(new[] { "Café opening hours?" }, Query(new LogQuery { Search = "cafe" }).Select(r => r.Prompt)); // diacritics folded
        Assert.Empty(Query(new LogQuery { Search = "owls cats" })); // every word must occur
    }

    [Theory]
    [InlineData("AND (")]
    [InlineData("\"birds\"")]
    [InlineData("NEAR(owl eagle)")]
    [InlineData("prompt:owl")]
    [InlineData("-owl ^x")]
    public void SearchTextIsNeverQuerySyntax(string text)
    {
        Seed();
        var found = Query(new LogQuery { Search = text }); // must not throw an FTS5 syntax error
        Assert.All(found, r => Assert.Equal("gpt-4o-mini", r.Model));
    }

    [Fact]
    public void ModelsMatchByNameOrWildcardOnEitherModel()
    {
        Seed();
        Assert.Equal(2, Query(new LogQuery { Models = new[] { "gpt-4o-mini" } }).Count);
        Assert.Equal(3, Query(new LogQuery { Models = new[] { "GPT-4O*" } }).Count);
        Assert.Single(Query(new LogQuery { Models = new[] { "llama3.2:latest" } }));
        Assert.Equal(3, Query(new LogQuery { Models = new[] { "llama*", "gpt-4o-mini" } }).Count);
        Assert.Equal("gpt-4o", Assert.Single(Query(new LogQuery { Models = new[] { "gpt-4?" } })).Model);
        Assert.Empty(Query(new LogQuery { Models = new[] { "gpt-4" } }));
    }

    [Fact]
    public void TagsTimeAndLastNarrowTheList()
    {
        Seed();
        Assert.Equal(2, Query(new LogQuery { Tags = new[] { "birds" } }).Count);
        Assert.Equal(3, Query(new LogQuery { Tags = new[] { "birds", "city" } }).Count);
        Assert.Equal(new[] { "gpt-4o", "llama3.2" }, Query(new LogQuery { Since = Noon.AddMinutes(30), Until = Noon.AddHours(3) }).Select(r => r.Model));
        Assert.Single(Query(new LogQuery { Since = Noon.AddDays(1) }));
        var lastTwo = _log.Store.Query(new LogQuery { Last = 2 });
        Assert.Equal(new[] { "What do cats eat?", "Owl AND (eagle" }, lastTwo.Select(r => r.Prompt)); // the latest two, oldest first
        Assert.Equal(4, _log.Store.Query(new LogQuery { Last = 0 }).Count);
    }

    [Fact]
    public void RunIdsKindsAndErrorsSelectRuns()
    {
        var chain = new LlmLogEntry { RunId = Guid.NewGuid(), Kind = "Chain", Name = "Invoke-LlmChat", Status = "Error", StartTime = Noon, EndTime = Noon, Error = "boom", ErrorId = "LlmServerError" };
        var llm = TempLogFile.Llm("m", "p", "r", at: Noon, parent: chain.RunId) with { Status = "Error", Error = "boom" };
        var tool = new LlmLogEntry { RunId = Guid.NewGuid(), ParentRunId = chain.RunId, Kind = "Tool", Name = "t", Status = "Ok", StartTime = Noon, EndTime = Noon };
        var fine = TempLogFile.Llm("m", "p2", "r2", at: Noon.AddMinutes(1));
        _log.Store.Write(new[] { chain, llm, tool, fine });

        Assert.Equal(new[] { tool.RunId }, Query(new LogQuery { RunIds = new[] { tool.RunId } }).Select(r => r.RunId));
        Assert.Equal(2, Query(new LogQuery { ErrorsOnly = true }).Count);
        Assert.Equal(new[] { "Chain" }, Query(new LogQuery { ErrorsOnly = true, Kinds = new[] { "Chain" } }).Select(r => r.Kind));
        Assert.Equal(new[] { "p", "p2" }, Query(new LogQuery { Kinds = new[] { "Llm" } }).Select(r => r.Prompt));
        Assert.Equal("LlmServerError", Query(new LogQuery { RunIds = new[] { chain.RunId } }).Single().ErrorId);
    }

    [Fact]
    public void TreeIsReadFromAnyOfItsRunsRootFirstChildrenInStartOrder()
    {
        var root = new LlmLogEntry { RunId = Guid.NewGuid(), Kind = "Chain", Name = "pipeline", StartTime = Noon, EndTime = Noon.AddSeconds(9) };
        var chat = new LlmLogEntry { RunId = Guid.NewGuid(), ParentRunId = root.RunId, Kind = "Chain", Name = "Invoke-LlmChat", StartTime = Noon.AddSeconds(1), EndTime = Noon.AddSeconds(8) };
        var second = TempLogFile.Llm("m", "again", "b", at: Noon.AddSeconds(5), parent: chat.RunId);
        var first = TempLogFile.Llm("m", "first", "a", at: Noon.AddSeconds(2), parent: chat.RunId);
        var tool = new LlmLogEntry { RunId = Guid.NewGuid(), ParentRunId = chat.RunId, Kind = "Tool", Name = "t", StartTime = Noon.AddSeconds(3), EndTime = Noon.AddSeconds(4) };
        var other = TempLogFile.Llm("m", "unrelated", "x", at: Noon.AddSeconds(3));
        _log.Store.Write(new[] { second, tool, first, other, chat, root }); // children are written before their parents

        foreach (var start in new[] { root.RunId, chat.RunId, tool.RunId, second.RunId })
        {
            var tree = _log.Store.Tree(start);
            Assert.Equal(new[] { root.RunId, chat.RunId, first.RunId, tool.RunId, second.RunId }, tree.Select(r => r.RunId));
            Assert.Equal(new[] { 0, 1, 2, 2, 2 }, tree.Select(r => r.Depth));
        }
        Assert.Empty(_log.Store.Tree(Guid.NewGuid()));
    }

    [Fact]
    public void TreeStartsAtTheHighestAncestorInTheLog()
    {
        var missingParent = Guid.NewGuid();
        var orphan = TempLogFile.Llm("m", "p", "r", parent: missingParent);
        _log.Store.Write(new[] { orphan });
        var tree = _log.Store.Tree(orphan.RunId);
        Assert.Equal(orphan.RunId, Assert.Single(tree).RunId);
        Assert.Equal(missingParent, tree[0].ParentRunId);
    }

    [Fact]
    public void EntriesRoundTripEveryField()
    {
        var call = new ToolCall("c1", "get_weather", """{"city":"Oslo"}""");
        var record = TempLogFile.Llm("gpt-4o-mini", "q", "a", cached: 4) with
        {
            Messages = new[]
            {
                new ChatMessage("system", new[] { "part one", "part two" }),
                new ChatMessage("assistant", "") { ToolCalls = new[] { call } },
                new ChatMessage("tool", "sunny") { ToolCallId = "c1", Name = "get_weather" },
            },
            ToolResults = new[] { new ToolCallResult { Call = call, Output = "sunny", Succeeded = true, Executed = true, Duration = TimeSpan.FromMilliseconds(7) } },
            Inputs = new Dictionary<string, string?> { ["temperature"] = "0.2" },
            Metadata = new Dictionary<string, string?> { ["user"] = "ada" },
            TimeToFirstToken = TimeSpan.FromMilliseconds(123),
            EndpointHost = "api.openai.com",
            ResponseId = "chatcmpl-1",
            StatusCode = 200,
        };
        _log.Store.Write(new[] { record });
        var entry = _log.Store.Query(new LogQuery()).Single();

        Assert.Equal(record.RunId, entry.RunId);
        Assert.Equal(new[] { "part one", "part two" }, entry.Messages[0].Parts);
        Assert.True(entry.Messages[0].IsMultipart);
        Assert.Equal("get_weather", entry.Messages[1].ToolCalls.Single().Name);
        Assert.Equal(("c1", "get_weather"), (entry.Messages[2].ToolCallId, entry.Messages[2].Name));
        Assert.Equal("sunny", entry.ToolResults.Single().Output);
        Assert.Equal(TimeSpan.FromMilliseconds(7), entry.ToolResults[0].Duration);
        Assert.Equal("c1", entry.ToolCalls.Single().Id);
        Assert.Equal("0.2", entry.Inputs["temperature"]);
        Assert.Equal("ada", entry.Metadata["user"]);
        Assert.Equal(TimeSpan.FromMilliseconds(123), entry.TimeToFirstToken);
        Assert.Equal(4, entry.Usage!.CachedInputTokens);
        Assert.Equal(("api.openai.com", "chatcmpl-1", 200), (entry.EndpointHost, entry.ResponseId, entry.StatusCode));
        Assert.Equal(record.StartTime.ToUnixTimeMilliseconds(), entry.StartTime.ToUnixTimeMilliseconds());
        // gpt-4o-mini has a built-in price: 6 uncached + 4 cached input, 5 output.
        Assert.Equal((6 * 0.15m + 4 * 0.075m + 5 * 0.60m) / 1_000_000m, entry.Cost);
    }

    [Fact]
    public void ReadingAMissingDatabaseFailsClearlyAndCreatesNothing()
    {
        var error = Assert.Throws<LlmException>(() => _log.Store.Query(new LogQuery()));
        Assert.Equal("LlmLogNotFound", error.ErrorId);
        Assert.False(File.Exists(_log.Path));
    }
}
