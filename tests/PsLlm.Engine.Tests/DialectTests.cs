using System.Text.Json.Nodes;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using PsLlm.FakeOpenAI.Dialects;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Every dialect case — real servers' bytes, see <see cref="DialectLibrary"/> — read plain and
/// streamed over HTTP on loopback, and compared with what the server meant.
/// </summary>
public sealed class DialectTests : FakeServerTestBase
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var dialect in DialectLibrary.All.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            data.Add(dialect.Id, false);
            data.Add(dialect.Id, true);
        }
        return data;
    }

    [Fact]
    public void The_library_covers_at_least_thirty_cases_each_with_its_source()
    {
        Assert.True(DialectLibrary.All.Count >= 30, $"{DialectLibrary.All.Count} cases");
        Assert.All(DialectLibrary.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Source), c.Id));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_reads_as_the_server_meant(string id, bool streamed)
    {
        var dialect = DialectLibrary.Get(id);
        var expected = dialect.Outcome(streamed);
        Server.Enqueue(new FakeReply { Dialect = id });

        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi", Stream = streamed });

        if (expected.ErrorId is { } errorId)
        {
            var error = outcome.Failure;
            Assert.Equal(errorId, error.ErrorId);
            if (expected.ErrorMessage is { } message) Assert.Contains(message, error.Message);
            Assert.Equal(expected.PartialText ?? string.Empty, error.PartialText);
            // Nothing of .NET's own wording reaches the user.
            Assert.DoesNotContain("Index was out of range", error.Message);
            Assert.DoesNotContain("Object reference", error.Message);
            // The model run and the chain both report the failure, with the partial text.
            var llmError = Assert.Single(outcome.Log.Of<LlmErrorEvent>());
            Assert.Equal(error.PartialText, llmError.PartialText);
            Assert.Single(outcome.Log.Of<ChainErrorEvent>());
            return;
        }

        // The first model call is the case's answer; a tool call's round is followed by a second call
        // (no tool was offered, so the model is told so, and the fake server echoes).
        var response = outcome.Ok;
        var first = outcome.Log.Of<LlmEndEvent>().First().Response;
        Assert.Equal(expected.Text, first.Text);
        Assert.Equal(expected.Reasoning, first.Reasoning);
        Assert.Equal(expected.FinishReason, first.FinishReason);
        Assert.False(first.IsPartial);
        if (expected.Usage is { } usage)
        {
            Assert.NotNull(first.Usage);
            Assert.Equal(usage, new ExpectedUsage(first.Usage.InputTokens, first.Usage.OutputTokens, first.Usage.TotalTokens,
                first.Usage.CachedInputTokens, first.Usage.ReasoningTokens));
        }
        if (expected.NoUsage) Assert.Null(first.Usage);

        var calls = response.Transcript.Where(m => m.Role == "assistant").SelectMany(m => m.ToolCalls)
            .Select(c => new ExpectedToolCall(c.Id, c.Name, c.Arguments, c.ProviderFields.Count == 0 ? null : FieldsJson(c.ProviderFields)))
            .ToList();
        Assert.Equal(expected.ToolCalls, calls);
        Assert.Equal(expected.ToolCalls.Count > 0 ? 2 : 1, response.Rounds);

        if (streamed)
        {
            // The streamed pieces of the first call add up to its answer and reasoning, each kind in its own events.
            var tokens = outcome.Log.Of<LlmNewTokenEvent>().Where(t => t.RunId == first.RunId).ToList();
            Assert.Equal(expected.Text, string.Concat(tokens.Where(t => t.TokenKind == ChatTokenKind.Text).Select(t => t.Token)));
            Assert.Equal(expected.Reasoning ?? string.Empty, string.Concat(tokens.Where(t => t.TokenKind == ChatTokenKind.Reasoning).Select(t => t.Token)));
        }
    }

    private static string FieldsJson(IReadOnlyDictionary<string, string> fields)
    {
        var json = new JsonObject();
        foreach (var (name, raw) in fields) json[name] = JsonNode.Parse(raw);
        return json.ToJsonString();
    }
}
