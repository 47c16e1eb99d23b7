using System.Text.Json.Nodes;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Sessions;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// What a server attaches to a tool call and expects back — Gemini 3 rejects the follow-up
/// request without its thought signature — is sent back verbatim: on the next round, from session
/// history, and after the session was exported and imported.
/// </summary>
public sealed class ProviderFieldsTests : FakeServerTestBase
{
    private const string Signature = """{"google":{"thought_signature":"CrICAdHtim827fQ"}}""";

    private static DelegateTool Weather() =>
        new("get_weather", "Weather of a city.", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""", _ => "sunny");

    private static JsonObject AssistantToolCall(RecordedRequest request) =>
        request.Json!["messages"]!.AsArray().Select(m => m!.AsObject()).Single(m => (string?)m["role"] == "assistant" && m["tool_calls"] is not null)["tool_calls"]![0]!.AsObject();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_follow_up_request_carries_the_thought_signature(bool streamed)
    {
        Server.Enqueue(new FakeReply { Dialect = "gemini-thought-signature" });
        Server.Enqueue(new FakeReply { Text = "Sunny in Paris." });
        var tool = Weather();

        var response = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "Weather in Paris?", Tools = [tool], Stream = streamed }).Ok;

        Assert.Equal("Sunny in Paris.", response.Text);
        Assert.Single(tool.Calls);
        var call = AssistantToolCall(Server.Requests[1]);
        Assert.Equal("call_297140", (string?)call["id"]);
        Assert.Equal(Signature, call["extra_content"]!.ToJsonString());
    }

    [Fact]
    public void Session_history_and_its_file_keep_the_fields_and_send_them_again()
    {
        var client = ChatHarness.Client(Server);
        var session = new ChatSession();
        Server.Enqueue(new FakeReply { Dialect = "gemini-thought-signature" });
        Server.Enqueue(new FakeReply { Text = "Sunny." });
        ChatHarness.Run(client, new ChatRequest { Prompt = "Weather in Paris?", Tools = [Weather()], Session = session, Stream = true }).Ok.ToString();

        var inHistory = session.Messages.Single(m => m.ToolCalls.Count > 0).ToolCalls.Single();
        Assert.Equal(Signature, inHistory.ProviderFields["extra_content"]);

        var path = Path.Combine(Path.GetTempPath(), $"psllm-fields-{Guid.NewGuid():N}.json");
        try
        {
            ChatSessionFile.Write(session, path);
            Assert.Contains("thought_signature", File.ReadAllText(path));
            var imported = ChatSessionFile.Read(path);
            Assert.Equal(Signature, imported.Messages.Single(m => m.ToolCalls.Count > 0).ToolCalls.Single().ProviderFields["extra_content"]);

            Server.Enqueue(new FakeReply { Text = "Still sunny." });
            ChatHarness.Run(client, new ChatRequest { Prompt = "And now?", Session = imported }).Ok.ToString();
            var sent = AssistantToolCall(Server.Requests.Last());
            Assert.Equal(Signature, sent["extra_content"]!.ToJsonString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reasoning_is_not_kept_in_history_nor_sent_back()
    {
        var session = new ChatSession();
        Server.Enqueue(new FakeReply { Dialect = "deepseek-reasoning-content" });
        var first = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "hi", Session = session, Stream = true }).Ok;
        Assert.Equal("A simple greeting.", first.Reasoning);
        Assert.Equal("Hello", session.Messages.Last().Content);

        Server.Enqueue(new FakeReply { Text = "ok" });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "again", Session = session }).Ok.ToString();
        var body = Server.Requests.Last().Body;
        // DeepSeek answers 400 to a request whose history holds reasoning_content.
        Assert.DoesNotContain("reasoning", body);
        Assert.DoesNotContain("A simple greeting", body);
    }
}
