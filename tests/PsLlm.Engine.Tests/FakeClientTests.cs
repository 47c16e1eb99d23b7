using System.Text.Json.Nodes;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// New-LlmFakeClient: its answers go through the same reading as a real server's, so a chat with
/// it raises the very events a chat with a server answering the same raises; what a client records
/// (-RecordPath) replays byte for byte, secrets left out; the OpenAI SDK's own records replay too.
/// </summary>
public sealed class FakeClientTests : FakeServerTestBase, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("psllm-fake-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LlmFakeClient Fake(params LlmFakeAnswer[] answers) => new(answers, replayPath: null, "fake-model");

    /// <summary>What a run looked like to its handlers: event kinds, tokens, and the final response's text, finish reason and usage.</summary>
    private static string Shape(ChatOutcome outcome) => string.Join("\n",
        string.Join(",", outcome.Log.Names),
        string.Join("|", outcome.Log.Of<LlmNewTokenEvent>().Select(t => $"{t.TokenKind}:{t.Token}")),
        string.Join("|", outcome.Log.Of<ToolEndEvent>().Select(t => $"{t.ToolName}={t.Output}")),
        outcome.Response is { } r ? $"{r.Text}/{r.FinishReason}/{r.Usage?.OutputTokens > 0}/{r.Rounds}" : $"error {((LlmException)outcome.Error!).ErrorId} {((LlmException)outcome.Error!).StatusCode}");

    public static TheoryData<bool> Streamed => new() { false, true };

    [Theory]
    [MemberData(nameof(Streamed))]
    public void A_scripted_answer_raises_the_events_of_a_server_answering_the_same(bool stream)
    {
        Server.Enqueue(new FakeReply { Tokens = ["The ", "answer ", "is 42."], PromptTokens = 5, CompletionTokens = 3 });
        var real = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "q", Stream = stream });
        var fake = ChatHarness.Run(Fake(new LlmFakeAnswer { Tokens = ["The ", "answer ", "is 42."], Text = "The answer is 42." }), new ChatRequest { Prompt = "q", Stream = stream });

        Assert.Equal(Shape(real), Shape(fake));
        Assert.Contains(LlmEventName.LlmEnd, fake.Log.Names);
    }

    [Theory]
    [MemberData(nameof(Streamed))]
    public void A_tool_loop_runs_the_same_with_a_fake(bool stream)
    {
        var schema = """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}}}""";
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Id = "call_1", Name = "add", Arguments = """{"a":2,"b":3}""" }] });
        Server.Enqueue(new FakeReply { Text = "It is 5." });
        var real = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "2+3?", Stream = stream, Tools = [new DelegateTool("add", "Adds.", schema, a => "5")] });
        var fakeClient = Fake(new LlmFakeAnswer { ToolCalls = [new ToolCall("call_1", "add", """{"a":2,"b":3}""")] }, new LlmFakeAnswer { Text = "It is 5." });
        var fake = ChatHarness.Run(fakeClient, new ChatRequest { Prompt = "2+3?", Stream = stream, Tools = [new DelegateTool("add", "Adds.", schema, a => "5")] });

        Assert.Equal(Shape(real), Shape(fake));
        Assert.Equal(2, fakeClient.Requests.Count);
        Assert.Equal(["add"], fakeClient.Requests[0].ToolNames);
        Assert.Equal(3, fakeClient.Requests[1].MessageCount); // the prompt, the call, its result
    }

    [Fact]
    public void An_error_answer_fails_the_chat_as_the_server_error_would()
    {
        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "Rate limit reached" });
        var real = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "q" });
        var fake = ChatHarness.Run(Fake(new LlmFakeAnswer { ErrorStatus = 429, ErrorMessage = "Rate limit reached" }), new ChatRequest { Prompt = "q" });

        Assert.Equal(Shape(real), Shape(fake));
        Assert.Equal("LlmRateLimited", fake.Failure.ErrorId);
        Assert.Contains("Rate limit reached", fake.Failure.Message);
    }

    [Fact]
    public void Tokens_arrive_one_by_one_at_the_pace_given()
    {
        var fake = Fake(new LlmFakeAnswer { Tokens = ["a", "b", "c"], TokenDelay = TimeSpan.FromMilliseconds(60) });
        var outcome = ChatHarness.Run(fake, new ChatRequest { Prompt = "q", Stream = true });
        var times = outcome.Log.Of<LlmNewTokenEvent>().Select(t => t.Chunk!.Elapsed).ToArray();
        Assert.Equal(3, times.Length);
        Assert.True(times[2] - times[0] >= TimeSpan.FromMilliseconds(100), $"tokens came {(times[2] - times[0]).TotalMilliseconds} ms apart in all");
    }

    [Fact]
    public void A_fake_without_answers_left_says_so()
    {
        var fake = Fake(new LlmFakeAnswer { Text = "only one" });
        Assert.Equal("only one", ChatHarness.Run(fake, new ChatRequest { Prompt = "1" }).Ok.Text);
        var error = ChatHarness.Run(fake, new ChatRequest { Prompt = "2" }).Failure;
        Assert.Equal(("LlmFakeClientExhausted", LlmErrorKind.InvalidInput), (error.ErrorId, error.Kind));
        Assert.Equal(0, fake.AnswersLeft);
    }

    [Fact]
    public void What_a_client_records_replays_byte_for_byte_and_without_secrets()
    {
        var path = Path.Combine(_folder, "record.json");
        Server.Enqueue(new FakeReply { Text = "plain answer" });
        Server.Enqueue(new FakeReply { Tokens = ["streamed ", "answer"] });
        var recording = new LlmClient(Server.BaseUri, ChatHarness.Secure(ChatHarness.ApiKey), "fake-model", maxRetries: 0,
            headers: new Dictionary<string, string> { ["X-Tenant"] = "tenant-SECRET-value" }) { RecordPath = path };
        var plain = ChatHarness.Run(recording, new ChatRequest { Prompt = "one" });
        var streamed = ChatHarness.Run(recording, new ChatRequest { Prompt = "two", Stream = true });

        var text = File.ReadAllText(path);
        Assert.DoesNotContain(ChatHarness.ApiKey, text);
        Assert.DoesNotContain("tenant-SECRET-value", text);
        var entries = JsonNode.Parse(text)!["Entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("Sanitized", (string?)entries[0]!["RequestHeaders"]!["Authorization"]);
        Assert.Equal("one", (string?)entries[0]!["RequestBody"]!["messages"]![0]!["content"]);
        Assert.IsType<JsonArray>(entries[1]!["ResponseBody"]);

        var fake = new LlmFakeClient([], path, "fake-model");
        Assert.Equal(Shape(plain), Shape(ChatHarness.Run(fake, new ChatRequest { Prompt = "one" })));
        Assert.Equal(Shape(streamed), Shape(ChatHarness.Run(fake, new ChatRequest { Prompt = "two", Stream = true })));
    }

    [Theory]
    [InlineData("ChatTests/HelloWorldChat.json", false)]
    [InlineData("ChatTests/TokenLogProbabilitiesStreaming(False).json", true)]
    public void The_OpenAI_SDKs_own_records_replay(string file, bool stream)
    {
        var path = Path.Combine(TestPaths.Recordings, file);
        var entry = JsonNode.Parse(File.ReadAllText(path))!["Entries"]![0]!;
        var prompt = (string)entry["RequestBody"]!["messages"]!.AsArray()[^1]!["content"]!;
        var fake = new LlmFakeClient([], path, "gpt-4o-mini");

        var outcome = ChatHarness.Run(fake, new ChatRequest { Prompt = prompt, Stream = stream });

        var expected = stream
            ? string.Concat(entry["ResponseBody"]!.AsArray().Select(f => (string)f!).Where(f => f.StartsWith("data: {", StringComparison.Ordinal))
                .Select(f => JsonNode.Parse(f["data: ".Length..])!["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.ToString() ?? string.Empty))
            : (string)entry["ResponseBody"]!["choices"]![0]!["message"]!["content"]!;
        Assert.Equal(expected, outcome.Ok.Text);
        Assert.Equal(prompt, fake.Requests.Single().Prompt);
    }

    [Fact]
    public void A_recording_that_cannot_be_read_is_a_clear_error()
    {
        var path = Path.Combine(_folder, "broken.json");
        File.WriteAllText(path, "{ not json");
        var error = ChatHarness.Run(new LlmFakeClient([], path, "m"), new ChatRequest { Prompt = "q" }).Failure;
        Assert.Equal("LlmReplayFileInvalid", error.ErrorId);
        Assert.Contains(path, error.Message);
    }
}
