using System.Text.Json.Nodes;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The Batch API against the fake server's: the requests file holds each chat as it would be sent,
/// the batch is followed to completion, and its answers are read as chats are and raised as chat
/// runs, each matched to its item; failures, cancelling and a server without batches.
/// </summary>
public sealed class BatchTests : FakeServerTestBase
{
    private static BatchItem Item(string id, string prompt, string? system = null) => new(id, new ChatRequest { Prompt = prompt, System = system });

    private LlmBatch Finish(LlmClient client, LlmBatch batch)
    {
        for (var i = 0; i < 10 && !batch.IsFinished; i++) batch = BatchEngine.Get(client, batch.Id, CancellationToken.None);
        return batch;
    }

    [Fact]
    public void The_requests_file_holds_each_chat_as_it_would_be_sent()
    {
        var client = ChatHarness.Client(Server);
        var batch = BatchEngine.Start(client, [Item("a", "first", "Be brief."), Item("b", "second")], "24h", new Dictionary<string, string> { ["job"] = "nightly" }, CancellationToken.None);

        Assert.Equal(("validating", 2, "24h"), (batch.Status, batch.Total, batch.CompletionWindow));
        Assert.Equal("nightly", batch.Metadata["job"]);
        var upload = Server.Requests.Single(r => r.Path == "/v1/files");
        Assert.StartsWith("multipart/form-data", upload.Headers["Content-Type"], StringComparison.Ordinal);
        var lines = upload.Body.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(["a", "b"], lines.Select(l => (string)l["custom_id"]!));
        Assert.All(lines, l => Assert.Equal(("POST", "/v1/chat/completions"), ((string)l["method"]!, (string)l["url"]!)));
        Assert.Equal("fake-model", (string)lines[0]["body"]!["model"]!);
        Assert.Equal(["system", "user"], lines[0]["body"]!["messages"]!.AsArray().Select(m => (string)m!["role"]!));
        Assert.Null(lines[0]["body"]!["stream"]);
        var create = Server.Requests.Single(r => r.Path == "/v1/batches").Json!;
        Assert.Equal(("/v1/chat/completions", "24h"), ((string)create["endpoint"]!, (string)create["completion_window"]!));
    }

    [Fact]
    public void A_completed_batch_gives_each_item_its_answer_or_error_as_a_chat_run()
    {
        Server.BatchSettings = new BatchSettings { FailCustomIds = ["b"], FailStatus = 400 };
        var client = ChatHarness.Client(Server);
        var batch = Finish(client, BatchEngine.Start(client, [Item("a", "first"), Item("b", "second"), Item("c", "third")], "24h", null, CancellationToken.None));
        Assert.Equal(("completed", 2, 1), (batch.Status, batch.Completed, batch.Failed));

        var log = new EventLog();
        var results = BatchEngine.Receive(client, batch, new RunOptions { LocalHandlers = [log], ErrorSink = new CollectingErrorSink() }, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], results.Select(r => r.CustomId).Order());
        var a = results.Single(r => r.CustomId == "a");
        Assert.Equal(("first", "Echo: first", "a"), (a.Prompt, a.Response!.Text, a.Response.CustomId));
        Assert.Equal(15, a.Response.Usage!.TotalTokens);
        var b = results.Single(r => r.CustomId == "b");
        Assert.Equal(("LlmBadRequest", 400), (b.Error!.ErrorId, b.Error.StatusCode));
        // Each item is a chat run: its events, with the batch's ids in their metadata.
        Assert.Equal(3, log.Of<ChainStartEvent>().Count());
        Assert.Equal(2, log.Of<LlmEndEvent>().Count());
        Assert.Single(log.Of<LlmErrorEvent>());
        Assert.All(log.Events, e => Assert.Equal(batch.Id, e.Metadata["batch_id"]));
        Assert.Equal("first", log.Of<ChatModelStartEvent>().First(e => (string?)e.Metadata["custom_id"] == "a").Messages[^1].Content);
    }

    [Fact]
    public void A_batch_still_running_has_no_answers_yet()
    {
        Server.BatchSettings = new BatchSettings { HoldAt = "in_progress" };
        var client = ChatHarness.Client(Server);
        var batch = Finish(client, BatchEngine.Start(client, [Item("a", "x")], "24h", null, CancellationToken.None));
        Assert.Equal("in_progress", batch.Status);
        var error = Assert.Throws<LlmException>(() => BatchEngine.Receive(client, batch, new RunOptions { ErrorSink = new CollectingErrorSink() }, CancellationToken.None));
        Assert.Equal("LlmBatchNotFinished", error.ErrorId);
    }

    [Fact]
    public void Cancelling_goes_through_cancelling_to_cancelled()
    {
        Server.BatchSettings = new BatchSettings { HoldAt = "in_progress" };
        var client = ChatHarness.Client(Server);
        var batch = BatchEngine.Start(client, [Item("a", "x")], "24h", null, CancellationToken.None);
        Assert.Equal("cancelling", BatchEngine.Cancel(client, batch.Id, CancellationToken.None).Status);
        Assert.Equal("cancelled", BatchEngine.Get(client, batch.Id, CancellationToken.None).Status);
    }

    [Fact]
    public void The_list_follows_the_servers_pages_newest_first()
    {
        var client = ChatHarness.Client(Server);
        var ids = Enumerable.Range(0, 5).Select(i => BatchEngine.Start(client, [Item("a", $"q{i}")], "24h", null, CancellationToken.None).Id).ToArray();
        var listed = BatchEngine.List(client, 4, CancellationToken.None);
        Assert.Equal(ids.Reverse().Take(4), listed.Select(b => b.Id));
        Assert.Equal(5, BatchEngine.List(client, 100, CancellationToken.None).Count);
    }

    [Fact]
    public void Bad_items_are_refused_before_anything_is_sent()
    {
        var client = ChatHarness.Client(Server);
        Assert.Equal("LlmBatchEmpty", Assert.Throws<LlmException>(() => BatchEngine.Start(client, [], "24h", null, CancellationToken.None)).ErrorId);
        Assert.Equal("LlmBatchDuplicateId", Assert.Throws<LlmException>(() => BatchEngine.Start(client, [Item("a", "x"), Item("a", "y")], "24h", null, CancellationToken.None)).ErrorId);
        Assert.Equal("LlmEmptyPrompt", Assert.Throws<LlmException>(() => BatchEngine.Start(client, [Item("a", " ")], "24h", null, CancellationToken.None)).ErrorId);
        Assert.Equal("LlmBatchUnsupported", Assert.Throws<LlmException>(() => BatchEngine.Start(client, [new BatchItem("a", new ChatRequest { Prompt = "x", Stream = true })], "24h", null, CancellationToken.None)).ErrorId);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void A_server_without_a_Batch_API_says_so()
    {
        var client = new LlmClient(new Uri(Server.BaseUri, "/elsewhere/v1"), ChatHarness.Secure(ChatHarness.ApiKey), "m", maxRetries: 0);
        var error = Assert.Throws<LlmException>(() => BatchEngine.Start(client, [Item("a", "x")], "24h", null, CancellationToken.None));
        Assert.Equal(("LlmBatchUnavailable", LlmErrorKind.NotFound), (error.ErrorId, error.Kind));
    }

    [Fact]
    public void Azure_OpenAI_batches_name_the_chat_path_without_the_version() =>
        Assert.Equal("/chat/completions", new Batches.BatchApi(new LlmClient(new Uri("https://contoso.openai.azure.com/openai/v1"), ChatHarness.Secure("k"), "gpt-4o-batch")).ChatPath);
}
