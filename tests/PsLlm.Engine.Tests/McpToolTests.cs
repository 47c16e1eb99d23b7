using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// MCP tools in chats, against servers in the test: one built with the MCP SDK's own server
/// (tools that answer, fail, report progress and log, or wait for cancellation), and a raw one
/// that crashes mid-call or answers with a malformed result. Nothing here waits on a clock
/// except the call timeout under test.
/// </summary>
public sealed class McpToolTests : FakeServerTestBase
{
    private static readonly JsonElement TwoNumbers = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""").RootElement;
    private static readonly byte[] Picture = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    private static readonly JsonElement NoArguments = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    /// <summary>What the SDK server saw.</summary>
    private sealed class ServerLog
    {
        public readonly List<string> Calls = new();
        public readonly TaskCompletionSource<bool> SlowCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<bool> SlowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static (McpServerConnection Connection, ServerLog Log) SdkServer(TimeSpan? callTimeout = null)
    {
        var log = new ServerLog();
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "test-server", Version = "1.2.3" },
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult
                {
                    Tools =
                    [
                        new Tool { Name = "add", Description = "Adds two numbers", InputSchema = TwoNumbers, Annotations = new ToolAnnotations { ReadOnlyHint = true, DestructiveHint = false } },
                        new Tool { Name = "wipe", Description = "Deletes everything", InputSchema = NoArguments, Annotations = new ToolAnnotations { ReadOnlyHint = false, DestructiveHint = true } },
                        new Tool { Name = "plain", Description = "No hints", InputSchema = NoArguments },
                        new Tool { Name = "refuse", Description = "Always fails", InputSchema = NoArguments, Annotations = new ToolAnnotations { ReadOnlyHint = true } },
                        new Tool { Name = "slow", Description = "Waits to be cancelled", InputSchema = NoArguments, Annotations = new ToolAnnotations { ReadOnlyHint = true } },
                        new Tool { Name = "dotted.name", Description = "A name models refuse", InputSchema = NoArguments, Annotations = new ToolAnnotations { ReadOnlyHint = true } },
                        new Tool { Name = "picture", Description = "Draws", InputSchema = NoArguments, Annotations = new ToolAnnotations { ReadOnlyHint = true } },
                    ],
                }),
                CallToolHandler = async (request, token) =>
                {
                    var name = request.Params!.Name;
                    lock (log.Calls) log.Calls.Add($"{name} {JsonSerializer.Serialize(request.Params.Arguments)}");
                    switch (name)
                    {
                        case "add":
                            var a = request.Params.Arguments!["a"].GetDouble();
                            var b = request.Params.Arguments["b"].GetDouble();
                            await request.Server.SendNotificationAsync("notifications/message", new JsonObject { ["level"] = "info", ["logger"] = "calc", ["data"] = $"adding {a} and {b}" }, cancellationToken: token);
                            if (request.Params.ProgressToken is { } progress)
                                await request.Server.SendNotificationAsync("notifications/progress", new JsonObject { ["progressToken"] = JsonValue.Create(progress.Token?.ToString()), ["progress"] = 1, ["total"] = 2, ["message"] = "half way" }, cancellationToken: token);
                            return new CallToolResult { Content = [new TextContentBlock { Text = (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture) }] };
                        case "picture":
                            return new CallToolResult { Content = [new TextContentBlock { Text = "Here it is:" }, ImageContentBlock.FromBytes(Picture, "image/png")] };
                        case "refuse":
                            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "the vault is locked" }] };
                        case "slow":
                            log.SlowStarted.TrySetResult(true);
                            try { await Task.Delay(Timeout.Infinite, token); }
                            catch (OperationCanceledException) { log.SlowCancelled.TrySetResult(true); throw; }
                            return new CallToolResult();
                        default:
                            return new CallToolResult { Content = [new TextContentBlock { Text = $"{name} done" }] };
                    }
                },
            },
        };
        var toServer = new Pipe();
        var toClient = new Pipe();
        var server = McpServer.Create(new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream(), "test-server"), options);
        _ = server.RunAsync();
        var connection = McpClients.Connect("tests", "test", "in-memory", new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()),
            TimeSpan.FromSeconds(20), callTimeout ?? TimeSpan.FromSeconds(20), Array.Empty<string>(), CancellationToken.None);
        return (connection, log);
    }

    private static LlmTool Tool(McpServerConnection connection, string name) =>
        McpClients.Tools(connection, CancellationToken.None).Single(t => t.Name == name);

    [Fact]
    public void ToolsCarryTheServersSchemaHintsAndName()
    {
        var (connection, _) = SdkServer();
        Assert.Equal(McpConnectionState.Connected, connection.State);
        Assert.Equal("test-server", connection.ServerName);
        Assert.Equal("1.2.3", connection.ServerVersion);
        Assert.Contains("tools", connection.Capabilities);

        var tools = McpClients.Tools(connection, CancellationToken.None);
        Assert.Equal(new[] { "add", "wipe", "plain", "refuse", "slow", "dotted_name", "picture" }, tools.Select(t => t.Name));
        Assert.All(tools, t => Assert.Equal("tests", t.McpServer));
        Assert.True(JsonElement.DeepEquals(TwoNumbers, JsonDocument.Parse(tools[0].ParametersSchema).RootElement));
        // Read-only and not destructive runs unasked; destructive, or no hints (MCP's defaults), asks.
        Assert.Equal(new[] { false, true, true }, tools.Take(3).Select(t => t.RequireApproval));
        McpClients.Disconnect(connection);
        Assert.Equal(McpConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public void AChatCallsTheServersToolAndTheEventsNameTheServer()
    {
        var (connection, log) = SdkServer();
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Id = "call_1", Name = "add", Arguments = """{"a":2,"b":40}""" }] });
        Server.Enqueue(new FakeReply { Text = "It is 42." });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "add", Tools = McpClients.Tools(connection, CancellationToken.None) });

        Assert.Equal("It is 42.", outcome.Ok.Text);
        Assert.Equal(new[] { """add {"a":2,"b":40}""" }, log.Calls);
        var names = outcome.Log.Names.ToList();
        var start = names.IndexOf(LlmEventName.ToolStart);
        Assert.Equal(LlmEventName.AgentAction, names[start - 1]);
        Assert.Equal(LlmEventName.ToolEnd, names[start + 1]);
        Assert.Equal("tests", outcome.Log.Of<ToolStartEvent>().Single().McpServer);
        var end = outcome.Log.Of<ToolEndEvent>().Single();
        Assert.Equal("tests", end.McpServer);
        Assert.Equal("42", end.Output);
        // The model got the server's answer as the tool's result.
        Assert.Contains("\"content\":\"42\"", Server.Requests[1].Body);
    }

    [Fact]
    public void ProgressAndLogMessagesReachTheCommandWhileTheToolRuns()
    {
        var (connection, _) = SdkServer();
        var verbose = new List<string>();
        var progress = new List<(string Activity, string Status, int Percent)>();
        var context = new LlmToolContext(CancellationToken.None, verbose.Add, (a, s, p) => progress.Add((a, s, p)));
        var output = Tool(connection, "add").Invoke(new Dictionary<string, object?> { ["a"] = 1L, ["b"] = 2.5 }, context);

        Assert.Equal("3.5", output);
        // A notification can be handled after the answer it preceded: then the next look shows it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!verbose.Contains("MCP tests: [info] calc: adding 1 and 2.5") && DateTime.UtcNow < deadline)
        {
            verbose.AddRange(McpClients.TakeNotices(connection));
            Thread.Sleep(10);
        }
        Assert.Contains("MCP tests: [info] calc: adding 1 and 2.5", verbose);
        Assert.All(progress, p => Assert.Equal("MCP tests: add", p.Activity));
        Assert.Equal(("MCP tests: add", "done", 100), progress[^1]);
        // What did arrive in time was shown as the server said it.
        Assert.All(progress.SkipLast(1), p => Assert.Equal(("half way", 50), (p.Status, p.Percent)));
    }

    [Fact]
    public void AnIsErrorResultIsTheToolsErrorAndTheChatGoesOn()
    {
        var (connection, _) = SdkServer();
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Name = "refuse", Arguments = "{}" }] });
        Server.Enqueue(new FakeReply { Text = "Sorry." });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = McpClients.Tools(connection, CancellationToken.None) });

        Assert.Equal("Sorry.", outcome.Ok.Text);
        var error = outcome.Log.Of<ToolErrorEvent>().Single();
        Assert.Equal("tests", error.McpServer);
        Assert.Equal("Error: the vault is locked", error.Output);
    }

    [Fact]
    public async Task ACallPastTheTimeoutIsCancelledAtTheServerAndBecomesTheToolsError()
    {
        var (connection, log) = SdkServer(callTimeout: TimeSpan.FromMilliseconds(300));
        var failure = Assert.Throws<TimeoutException>(() => Tool(connection, "slow").Invoke(new Dictionary<string, object?>(), LlmToolContext.None));
        Assert.Contains("did not answer slow within 0.3 s", failure.Message);
        Assert.True(await log.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(20)), "the server was told the call was cancelled");
        // The connection is still good.
        Assert.Equal("5", Tool(connection, "add").Invoke(new Dictionary<string, object?> { ["a"] = 2L, ["b"] = 3L }, LlmToolContext.None));
    }

    [Fact]
    public async Task StoppingTheChatCancelsTheCallAtTheServer()
    {
        var (connection, log) = SdkServer();
        using var stop = new CancellationTokenSource();
        _ = log.SlowStarted.Task.ContinueWith(_ => stop.Cancel(), TaskScheduler.Default);
        Assert.ThrowsAny<OperationCanceledException>(() => Tool(connection, "slow").Invoke(new Dictionary<string, object?>(), new LlmToolContext(stop.Token)));
        Assert.True(await log.SlowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(20)), "the server was told the call was cancelled");
    }

    [Fact]
    public void AToolThatNeedsApprovalIsNotCalledWhenApprovalIsRefused()
    {
        var (connection, log) = SdkServer();
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Name = "wipe", Arguments = "{}" }] });
        Server.Enqueue(new FakeReply { Text = "Not done." });
        var sink = new CollectingErrorSink();
        var response = new ChatRunner(ChatHarness.Client(Server)).Invoke(
            new ChatRequest { Prompt = "x", Tools = McpClients.Tools(connection, CancellationToken.None) },
            new RunOptions { ErrorSink = sink, ApproveTool = (_, _) => false },
            CancellationToken.None);
        Assert.Equal("Not done.", response.Text);
        Assert.Empty(log.Calls);
        Assert.Contains("Not executed", Server.Requests[1].Body);
    }

    [Fact]
    public void ArgumentsAreCheckedAgainstTheSchemaBeforeTheCall()
    {
        var (connection, log) = SdkServer();
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Name = "add", Arguments = """{"a":"two"}""" }] });
        Server.Enqueue(new FakeReply { Text = "ok" });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = McpClients.Tools(connection, CancellationToken.None) });
        Assert.Equal("ok", outcome.Ok.Text);
        Assert.Empty(log.Calls);
        Assert.Contains("arguments.a must be number", outcome.Log.Of<ToolErrorEvent>().Single().Output);
    }

    [Fact]
    public void ADottedNameIsMadeValidForTheModelAndCalledByTheServersName()
    {
        var (connection, log) = SdkServer();
        Assert.Equal("dotted.name done", Tool(connection, "dotted_name").Invoke(new Dictionary<string, object?>(), LlmToolContext.None));
        Assert.Equal("dotted.name {}", log.Calls.Single());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnImageIsNamedInTheResultAndWithAttachImagesShownToTheModelAfterIt(bool attach)
    {
        var (connection, _) = SdkServer();
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Id = "call_p", Name = "picture", Arguments = "{}" }] });
        Server.Enqueue(new FakeReply { Text = "A picture." });
        var tools = McpClients.Tools(connection, CancellationToken.None, attachImages: attach);
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "draw", Tools = tools });

        Assert.Equal("A picture.", outcome.Ok.Text);
        var sent = Server.Requests[1].Json!["messages"]!.AsArray();
        Assert.StartsWith("Here it is:\n[image: image/png, 11 bytes", sent[2]!["content"]!.GetValue<string>());
        if (!attach)
        {
            Assert.Equal(3, sent.Count);
            return;
        }
        var shown = sent[3]!;
        Assert.Equal("user", shown["role"]!.GetValue<string>());
        var url = shown["content"]!.AsArray().Select(p => p!["image_url"]?["url"]?.GetValue<string>()).Single(u => u is not null);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Picture), url);
    }

    /// <summary>
    /// A server written by hand, line by line: it answers the handshake and tools/list properly,
    /// then does to tools/call what the test asks (crash, or answer malformed).
    /// </summary>
    private static McpServerConnection RawServer(string onCall)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        _ = Task.Run(async () =>
        {
            var reader = new StreamReader(toServer.Reader.AsStream(), Encoding.UTF8);
            var writer = toClient.Writer.AsStream();
            static string Reply(string? id, string result) => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
            async Task Send(string json) { await writer.WriteAsync(Encoding.UTF8.GetBytes(json + "\n")); await writer.FlushAsync(); }
            while (await reader.ReadLineAsync() is { } line)
            {
                var message = JsonNode.Parse(line)!;
                var id = message["id"]?.ToJsonString();
                switch (message["method"]?.GetValue<string>())
                {
                    case "initialize":
                        await Send(Reply(id, """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"raw","version":"0"}}"""));
                        break;
                    case "tools/list":
                        await Send(Reply(id, """{"tools":[{"name":"go","description":"d","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}]}"""));
                        break;
                    case "tools/call" when onCall == "crash":
                        toClient.Writer.Complete();
                        return;
                    case "tools/call" when onCall == "malformed":
                        await Send(Reply(id, """{"content":"not a list of blocks","isError":"sometimes"}"""));
                        break;
                }
            }
        });
        return McpClients.Connect("raw", "test", "in-memory", new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()),
            TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), Array.Empty<string>(), CancellationToken.None);
    }

    [Fact]
    public void AServerThatDiesMidCallIsTheToolsErrorAndTheConnectionFails()
    {
        var connection = RawServer("crash");
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Name = "go", Arguments = "{}" }] });
        Server.Enqueue(new FakeReply { Text = "The server is gone." });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = McpClients.Tools(connection, CancellationToken.None) });

        Assert.Equal("The server is gone.", outcome.Ok.Text);
        var error = outcome.Log.Of<ToolErrorEvent>().Single();
        Assert.Equal("raw", error.McpServer);
        Assert.StartsWith("Error: ", error.Output);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (connection.State == McpConnectionState.Connected && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal(McpConnectionState.Failed, connection.State);
        var again = Assert.Throws<LlmException>(() => McpClients.Tools(connection, CancellationToken.None));
        Assert.Equal("LlmMcpServerNotConnected", again.ErrorId);
        Assert.Contains("is failed", again.Message);
    }

    [Fact]
    public void AMalformedResultIsTheToolsErrorAndTheChatGoesOn()
    {
        var connection = RawServer("malformed");
        Server.Enqueue(new FakeReply { ToolCalls = [new FakeToolCall { Name = "go", Arguments = "{}" }] });
        Server.Enqueue(new FakeReply { Text = "Could not read it." });
        var outcome = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x", Tools = McpClients.Tools(connection, CancellationToken.None) });

        Assert.Equal("Could not read it.", outcome.Ok.Text);
        Assert.StartsWith("Error: ", outcome.Log.Of<ToolErrorEvent>().Single().Output);
    }
}
