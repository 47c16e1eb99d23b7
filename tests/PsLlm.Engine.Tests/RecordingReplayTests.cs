using System.Text.Json.Nodes;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Every recorded ChatTests exchange, replayed byte for byte over loopback: the engine must send a
/// body carrying the recorded fields, and read the answer as the real service meant it.
/// </summary>
public sealed class RecordingReplayTests : IAsyncLifetime
{
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync(TestPaths.Recordings);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> ChatRecordings()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestPaths.ChatTests, "*.json").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void AllChatRecordingsAreFound()
    {
        // Guards the theory below against silently running on an empty folder.
        Assert.True(Directory.GetFiles(TestPaths.ChatTests, "*.json").Length >= 11, $"expected the 11 ChatTests recordings under {TestPaths.ChatTests}");
    }

    [Theory]
    [MemberData(nameof(ChatRecordings))]
    public void RecordingIsReadAsTheServiceMeantIt(string name)
    {
        var exchanges = RecordedExchange.Load(Path.Combine(TestPaths.ChatTests, name + ".json"));
        var history = new List<PsLlm.ChatMessage>();
        for (var i = 0; i < exchanges.Count; i++)
        {
            var exchange = exchanges[i];
            var recorded = exchange.ToChatRequest();
            // Multi-turn recordings are replayed as a conversation: turn 2 carries turn 1's answer as we read it.
            var request = i == 0 ? recorded : new ChatRequest
            {
                Prompt = recorded.Prompt,
                History = history.ToArray(),
                Model = recorded.Model,
                Stream = recorded.Stream,
            };
            var client = ChatHarness.Client(_server, model: recorded.Model!);
            var before = _server.Requests.Count;
            var outcome = ChatHarness.Run(client, request);

            var sent = _server.Requests.Skip(before).Single();
            AssertCarriesRecordedFields(exchange.Request, sent.Json!, "$");

            if (exchange.Status != 200)
            {
                var error = outcome.Failure;
                Assert.Equal(exchange.Status, error.StatusCode);
                Assert.Equal(LlmErrorKind.Authentication, error.Kind);
                Assert.Equal(new[] { LlmEventName.ChainStart, LlmEventName.Text, LlmEventName.ChatModelStart, LlmEventName.LlmError, LlmEventName.ChainError }, outcome.Log.Names);
                continue;
            }

            var response = outcome.Ok;
            Assert.Equal(exchange.ExpectedText, response.Text);
            Assert.Equal(exchange.ExpectedRefusal, response.Refusal);
            Assert.Equal(exchange.ExpectedFinishReason, response.FinishReason);
            Assert.Equal(exchange.ExpectedId, response.ResponseId);
            Assert.Equal(exchange.ExpectedModel, response.Model);
            var usage = exchange.ExpectedUsage;
            Assert.NotNull(response.Usage);
            Assert.Equal((int)usage["prompt_tokens"]!, response.Usage!.InputTokens);
            Assert.Equal((int)usage["completion_tokens"]!, response.Usage.OutputTokens);
            Assert.Equal((int)usage["total_tokens"]!, response.Usage.TotalTokens);
            Assert.Equal((int?)usage["completion_tokens_details"]?["reasoning_tokens"] ?? 0, response.Usage.ReasoningTokens);

            EventAssertions.AssertWellFormedRun(outcome.Log, response);
            var tokens = outcome.Log.Of<LlmNewTokenEvent>().ToArray();
            if (exchange.Streamed)
            {
                Assert.Equal(exchange.ExpectedTokenCount, tokens.Length);
                Assert.Equal(response.Text, string.Concat(tokens.Select(t => t.Token)));
                Assert.NotNull(response.TimeToFirstToken);
            }
            else
            {
                Assert.Empty(tokens);
            }

            history.AddRange(request.BuildMessages().Where(m => m.Role != "system"));
            history.Add(new PsLlm.ChatMessage("assistant", response.Text));
        }
    }

    /// <summary>Every field of the recorded request is in the sent one with the same value.</summary>
    internal static void AssertCarriesRecordedFields(JsonNode recorded, JsonNode sent, string path)
    {
        switch (recorded)
        {
            case JsonObject obj:
                var sentObj = Assert.IsType<JsonObject>(sent);
                foreach (var (key, value) in obj)
                {
                    Assert.True(sentObj.ContainsKey(key), $"sent body lacks {path}.{key}; sent: {sent.ToJsonString()}");
                    if (value is null) Assert.Null(sentObj[key]);
                    else AssertCarriesRecordedFields(value, sentObj[key]!, $"{path}.{key}");
                }
                break;
            case JsonArray array:
                var sentArray = Assert.IsType<JsonArray>(sent);
                Assert.True(array.Count == sentArray.Count, $"{path}: {array.Count} recorded items, {sentArray.Count} sent");
                for (var i = 0; i < array.Count; i++) AssertCarriesRecordedFields(array[i]!, sentArray[i]!, $"{path}[{i}]");
                break;
            default:
                var r = recorded.AsValue();
                if (r.TryGetValue<double>(out var number)) Assert.Equal(number, sent.AsValue().GetValue<double>(), 6);
                else Assert.True(JsonNode.DeepEquals(recorded, sent), $"{path}: recorded {recorded.ToJsonString()}, sent {sent.ToJsonString()}");
                break;
        }
    }
}
