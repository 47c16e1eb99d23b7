using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsLlm.Engine.Sessions;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The session file: documented layout, exact round trip, atomic writes, strict reading, no secrets.</summary>
public sealed class ChatSessionFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("psllm-session-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static LlmClient SecretClient() =>
        new(new Uri("https://tenant-host.example.net/v1"), ChatHarness.Secure(ChatHarness.ApiKey), "client-model",
            organization: "org-hidden", headers: new Dictionary<string, string> { ["X-Auth"] = "header-SECRET-value" });

    /// <summary>Every kind of message: plain turns, a tool turn with two calls, text parts, awkward characters.</summary>
    private static ChatSession FullSession()
    {
        var session = new ChatSession(SecretClient(), system: "You are terse.", model: "gpt-4o-mini", maxHistory: 12, maxTokens: 3000)
        {
            CreatedAt = new DateTimeOffset(2025, 1, 31, 9, 30, 0, TimeSpan.Zero).AddTicks(1234567),
        };
        session.AppendTurn(new[] { new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello! \"Quotes\", <tags> & émoji 🙂\nsecond line") });
        session.AppendTurn(new[]
        {
            new ChatMessage("user", "Weather in Oslo and Bergen?"),
            new ChatMessage("assistant", string.Empty)
            {
                ToolCalls = new[] { new ToolCall("call_1", "Get-Weather", "{\"city\":\"Oslo\"}"), new ToolCall("call_2", "Get-Weather", "{\"city\":\"Bergen\"}") },
            },
            new ChatMessage("tool", "sunny") { ToolCallId = "call_1", Name = "Get-Weather" },
            new ChatMessage("tool", "rain") { ToolCallId = "call_2", Name = "Get-Weather" },
            new ChatMessage("assistant", "Oslo is sunny, Bergen rainy."),
        });
        session.AppendTurn(new[] { new ChatMessage("user", new[] { "part one", "part two" }), new ChatMessage("assistant", "Both parts read.") });
        session.UpdatedAt = new DateTimeOffset(2025, 1, 31, 9, 41, 12, TimeSpan.Zero).AddTicks(7654321);
        return session;
    }

    [Fact]
    public void RoundTripKeepsEverythingAndReExportsByteForByte()
    {
        var original = FullSession();
        var first = PathOf("chat.json");
        ChatSessionFile.Write(original, first);

        var read = ChatSessionFile.Read(first);
        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.CreatedAt, read.CreatedAt);
        Assert.Equal(original.UpdatedAt, read.UpdatedAt);
        Assert.Equal("You are terse.", read.System);
        Assert.Equal("gpt-4o-mini", read.Model);
        Assert.Equal(12, read.MaxHistory);
        Assert.Equal(3000, read.MaxTokens);
        Assert.Null(read.Client);
        Assert.Equal(3, read.TurnCount);
        Assert.Equal(original.Messages.Count, read.Messages.Count);
        for (var i = 0; i < original.Messages.Count; i++)
        {
            var (expected, actual) = (original.Messages[i], read.Messages[i]);
            Assert.Equal(expected.Role, actual.Role);
            Assert.Equal(expected.Content, actual.Content);
            Assert.Equal(expected.Parts, actual.Parts);
            Assert.Equal(expected.IsMultipart, actual.IsMultipart);
            Assert.Equal(expected.ToolCallId, actual.ToolCallId);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)), actual.ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)));
        }

        var second = PathOf("again.json");
        ChatSessionFile.Write(read, second);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void FileHasTheDocumentedLayout()
    {
        var path = PathOf("chat.json");
        ChatSessionFile.Write(FullSession(), path);
        var bytes = File.ReadAllBytes(path);
        Assert.NotEqual(0xEF, bytes[0]); // no BOM
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);
        Assert.Contains("\\\"Quotes\\\", <tags> & émoji", text); // readable: only what JSON requires is escaped
        Assert.StartsWith("{\n  \"format\": \"psllm.chat-session\",\n  \"version\": 1,\n  \"id\": \"", text);

        var json = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(new[] { "format", "version", "id", "createdAt", "updatedAt", "model", "system", "maxHistory", "maxTokens", "messages" },
            json.Select(p => p.Key));
        Assert.Equal("2025-01-31T09:30:00.1234567Z", (string)json["createdAt"]!);
        Assert.Equal("2025-01-31T09:41:12.7654321Z", (string)json["updatedAt"]!);
        var messages = json["messages"]!.AsArray();
        Assert.Equal("""{"role":"user","content":"Hi"}""", Compact(messages[0]!));
        Assert.Equal("""{"role":"assistant","content":"","toolCalls":[{"id":"call_1","name":"Get-Weather","arguments":"{\"city\":\"Oslo\"}"},{"id":"call_2","name":"Get-Weather","arguments":"{\"city\":\"Bergen\"}"}]}""",
            Compact(messages[3]!));
        Assert.Equal("""{"role":"tool","toolCallId":"call_1","name":"Get-Weather","content":"sunny"}""", Compact(messages[4]!));
        Assert.Equal("""{"role":"user","content":["part one","part two"]}""", Compact(messages[7]!));
    }

    private static string Compact(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public void UnsetSettingsAreWrittenAsNullAndReadBack()
    {
        var path = PathOf("plain.json");
        ChatSessionFile.Write(new ChatSession(), path);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var name in new[] { "model", "system", "maxHistory", "maxTokens" })
        {
            Assert.True(json.ContainsKey(name));
            Assert.Null(json[name]);
        }
        var read = ChatSessionFile.Read(path);
        Assert.Null(read.System);
        Assert.Null(read.MaxHistory);
        Assert.Empty(read.Messages);
    }

    [Fact]
    public void NeverContainsTheKeyHeadersOrEndpoint()
    {
        var path = PathOf("secret.json");
        ChatSessionFile.Write(FullSession(), path);
        var text = File.ReadAllText(path);
        Assert.DoesNotContain(ChatHarness.ApiKey, text);
        Assert.DoesNotContain("SECRETKEY", text);
        Assert.DoesNotContain("header-SECRET-value", text);
        Assert.DoesNotContain("tenant-host", text);
        Assert.DoesNotContain("org-hidden", text);
        Assert.DoesNotContain("client-model", text);
    }

    [Fact]
    public void WriteLeavesNoTemporaryFiles()
    {
        var path = PathOf("chat.json");
        File.WriteAllText(path, "old content");
        ChatSessionFile.Write(FullSession(), path);
        ChatSessionFile.Write(FullSession(), path);
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
        Assert.StartsWith("{", File.ReadAllText(path));
    }

    [Fact]
    public void WriteWithoutOverwriteKeepsTheExistingFile()
    {
        var path = PathOf("chat.json");
        File.WriteAllText(path, "keep me");
        Assert.ThrowsAny<IOException>(() => ChatSessionFile.Write(FullSession(), path, overwrite: false));
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
    }

    [Fact]
    public void WriteIntoAMissingFolderFailsWithoutLeftovers()
    {
        Assert.ThrowsAny<IOException>(() => ChatSessionFile.Write(FullSession(), PathOf("missing/chat.json")));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void MissingFileIsNotFound()
    {
        var error = Assert.Throws<LlmException>(() => ChatSessionFile.Read(PathOf("nope.json")));
        Assert.Equal("LlmSessionFileNotFound", error.ErrorId);
        Assert.Equal(LlmErrorKind.NotFound, error.Kind);
        Assert.Contains("nope.json", error.Message);
    }

    /// <summary>A valid file's JSON, changed by <paramref name="edit"/>.</summary>
    private string Edited(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(ChatSessionFile.Serialize(FullSession()))!.AsObject();
        edit(json);
        var path = PathOf($"edited-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private string Raw(string text)
    {
        var path = PathOf($"raw-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static JsonObject Message(JsonObject file, int index) => file["messages"]![index]!.AsObject();

    public static TheoryData<string, string> Malformed() => new()
    {
        { "json", "not valid JSON" },
        { "array", "top level is not a JSON object" },
        { "format-wrong", "\"format\" is \"other.thing\"" },
        { "format-missing", "\"format\" is missing" },
        { "version-missing", "\"version\"" },
        { "version-text", "\"version\"" },
        { "messages-missing", "\"messages\" is missing" },
        { "messages-object", "\"messages\" is missing or not an array" },
        { "role-unknown", "messages[1].role \"robot\"" },
        { "role-missing", "messages[0].role" },
        { "content-missing", "messages[0].content" },
        { "content-number", "messages[0].content" },
        { "tool-orphan", "messages[2] answers tool call \"call_x\"" },
        { "tool-no-id", "messages[4].toolCallId is missing" },
        { "toolcalls-on-user", "messages[0].toolCalls is only allowed on assistant" },
        { "toolcall-no-name", "messages[3].toolCalls[0].name" },
        { "id-bad", "\"id\" is not a GUID" },
        { "created-bad", "\"createdAt\" is not an ISO 8601 time" },
        { "updated-missing", "\"updatedAt\" is missing" },
        { "maxhistory-zero", "\"maxHistory\" is not a positive whole number" },
        { "system-number", "\"system\" is not a string" },
        { "attachment-kind", "messages[0].attachments[0].kind is \"video\"" },
        { "attachment-not-object", "messages[0].attachments[0] is not an object" },
    };

    private string MalformedFile(string name) => name switch
    {
        "json" => Raw("{ \"format\": \"psllm.chat-session\", "),
        "array" => Raw("[1, 2]"),
        "format-wrong" => Edited(j => j["format"] = "other.thing"),
        "format-missing" => Edited(j => j.Remove("format")),
        "version-missing" => Edited(j => j.Remove("version")),
        "version-text" => Edited(j => j["version"] = "1"),
        "messages-missing" => Edited(j => j.Remove("messages")),
        "messages-object" => Edited(j => j["messages"] = new JsonObject()),
        "role-unknown" => Edited(j => Message(j, 1)["role"] = "robot"),
        "role-missing" => Edited(j => Message(j, 0).Remove("role")),
        "content-missing" => Edited(j => Message(j, 0).Remove("content")),
        "content-number" => Edited(j => Message(j, 0)["content"] = 42),
        "tool-orphan" => Edited(j => j["messages"]!.AsArray().Insert(2, new JsonObject { ["role"] = "tool", ["toolCallId"] = "call_x", ["content"] = "?" })),
        "tool-no-id" => Edited(j => Message(j, 4).Remove("toolCallId")),
        "toolcalls-on-user" => Edited(j => Message(j, 0)["toolCalls"] = new JsonArray()),
        "toolcall-no-name" => Edited(j => Message(j, 3)["toolCalls"]![0]!.AsObject().Remove("name")),
        "id-bad" => Edited(j => j["id"] = "not-a-guid"),
        "created-bad" => Edited(j => j["createdAt"] = "yesterday"),
        "updated-missing" => Edited(j => j.Remove("updatedAt")),
        "maxhistory-zero" => Edited(j => j["maxHistory"] = 0),
        "system-number" => Edited(j => j["system"] = 3),
        "attachment-kind" => Edited(j => Message(j, 0)["attachments"] = new JsonArray(new JsonObject { ["kind"] = "video", ["name"] = "clip.mp4" })),
        "attachment-not-object" => Edited(j => Message(j, 0)["attachments"] = new JsonArray("clip.mp4")),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFilesAreRejectedNamingTheProblemAndPath(string name, string problem)
    {
        var path = MalformedFile(name);
        var error = Assert.Throws<LlmException>(() => ChatSessionFile.Read(path));
        Assert.Equal("LlmSessionFileInvalid", error.ErrorId);
        Assert.Equal(LlmErrorKind.InvalidInput, error.Kind);
        Assert.Contains(problem, error.Message);
        Assert.Contains(path, error.Message);
        Assert.NotNull(error.RecommendedAction);
    }

    [Fact]
    public void NewerVersionIsTooNewEvenWhenItsFieldsChanged()
    {
        var path = Edited(j =>
        {
            j["version"] = 2;
            j.Remove("messages");
            j["turns"] = new JsonArray();
        });
        var error = Assert.Throws<LlmException>(() => ChatSessionFile.Read(path));
        Assert.Equal("LlmSessionFileTooNew", error.ErrorId);
        Assert.Equal(LlmErrorKind.InvalidInput, error.Kind);
        Assert.Contains("version 2", error.Message);
        Assert.Contains("reads version 1", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ReadsOptionalFieldsLenientlyAsDocumented()
    {
        var path = Edited(j =>
        {
            j.Remove("model");
            j.Remove("system");
            j.Remove("maxHistory");
            j["maxTokens"] = null;
            j["futureField"] = "ignored";
            j["createdAt"] = "2025-01-31T10:30:00+01:00";
            Message(j, 3)["content"] = null; // OpenAI's null content beside tool calls
        });
        var session = ChatSessionFile.Read(path);
        Assert.Null(session.Model);
        Assert.Null(session.System);
        Assert.Null(session.MaxHistory);
        Assert.Null(session.MaxTokens);
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 9, 30, 0, TimeSpan.Zero), session.CreatedAt);
        Assert.Equal(string.Empty, session.Messages[3].Content);
        Assert.Equal(2, session.Messages[3].ToolCalls.Count);
    }

    [Fact]
    public void EachReadIsANewSession()
    {
        var path = PathOf("chat.json");
        ChatSessionFile.Write(FullSession(), path);
        var a = ChatSessionFile.Read(path);
        var b = ChatSessionFile.Read(path);
        Assert.NotSame(a, b);
        a.Clear();
        Assert.Equal(9, b.Messages.Count);
    }
}
