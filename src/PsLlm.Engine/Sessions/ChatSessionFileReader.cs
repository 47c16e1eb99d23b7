using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using PsLlm.Engine.Chat;

namespace PsLlm.Engine.Sessions;

/// <summary>
/// Checks a session file's JSON against <see cref="ChatSessionFile"/>'s format and builds the
/// session. Every problem is reported with where it is ("messages[3].role") and the file's path;
/// the format marker and version are checked first, so a newer file says so rather than failing
/// on a field it added.
/// </summary>
internal static class ChatSessionFileReader
{
    private static readonly string[] Roles = { "user", "assistant", "tool", "system" };
    private static readonly string[] TimestampFormats = { "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK" };

    public static ChatSession Parse(string text, string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"it is not valid JSON ({e.Message})", e);
        }
        if (root is not JsonObject file) throw Invalid(path, "the top level is not a JSON object");

        var format = file["format"] is JsonValue f && f.TryGetValue<string>(out var name) ? name : null;
        if (format != ChatSessionFile.FormatName)
            throw Invalid(path, format is null
                ? $"\"format\" is missing (expected \"{ChatSessionFile.FormatName}\")"
                : $"\"format\" is \"{format}\", not \"{ChatSessionFile.FormatName}\"");
        if (file["version"] is not JsonValue v || !v.TryGetValue<int>(out var version) || version < 1)
            throw Invalid(path, "\"version\" is missing or not a positive whole number");
        if (version > ChatSessionFile.CurrentVersion)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmSessionFileTooNew",
                $"The session file '{path}' has format version {version}, written by a newer PsLlm; this module reads version {ChatSessionFile.CurrentVersion}.")
            {
                ParameterName = "Path",
                RecommendedAction = "Update the PsLlm module (Update-Module PsLlm), then import the file again.",
            };

        var reader = new Fields(path);
        var id = reader.Guid(file, "id");
        var createdAt = reader.Timestamp(file, "createdAt");
        var updatedAt = reader.Timestamp(file, "updatedAt");
        var model = reader.OptionalString(file, "model");
        var system = reader.OptionalString(file, "system");
        var maxHistory = reader.OptionalPositive(file, "maxHistory");
        var maxTokens = reader.OptionalPositive(file, "maxTokens");
        if (file["messages"] is not JsonArray list) throw Invalid(path, "\"messages\" is missing or not an array");

        var messages = new List<ChatMessage>(list.Count);
        var openCalls = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var where = $"messages[{i}]";
            if (list[i] is not JsonObject item) throw Invalid(path, $"{where} is not an object");
            var message = reader.Message(item, where);
            // A tool result must answer a call of the assistant message before it, or the server rejects the history.
            if (message.Role == "tool" && !openCalls.Contains(message.ToolCallId!))
                throw Invalid(path, $"{where} answers tool call \"{message.ToolCallId}\", which no earlier assistant message made");
            if (message.Role == "assistant") openCalls = new HashSet<string>(message.ToolCalls.Select(c => c.Id), StringComparer.Ordinal);
            else if (message.Role != "tool") openCalls.Clear();
            messages.Add(message);
        }

        var session = new ChatSession(client: null, system, model, maxHistory, maxTokens)
        {
            Id = id,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
        };
        session.Load(messages);
        return session;
    }

    internal static LlmException Invalid(string path, string problem, Exception? inner = null) =>
        new(LlmErrorKind.InvalidInput, "LlmSessionFileInvalid", $"The session file '{path}' is not valid: {problem}.", inner)
        {
            ParameterName = "Path",
            RecommendedAction = "Check the file, or export the session again with Export-LlmChatSession.",
        };

    /// <summary>Typed access to properties, failing with the property's location.</summary>
    private sealed class Fields
    {
        private readonly string _path;

        public Fields(string path) => _path = path;

        public Guid Guid(JsonObject o, string name) =>
            System.Guid.TryParse(RequiredString(o, name, name), out var id) ? id : throw Invalid(_path, $"\"{name}\" is not a GUID");

        public DateTimeOffset Timestamp(JsonObject o, string name) =>
            DateTimeOffset.TryParseExact(RequiredString(o, name, name), TimestampFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                ? value
                : throw Invalid(_path, $"\"{name}\" is not an ISO 8601 time such as 2025-01-31T09:30:00Z");

        public string? OptionalString(JsonObject o, string name, string? where = null) => o[name] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => throw Invalid(_path, $"\"{where ?? name}\" is not a string"),
        };

        public int? OptionalPositive(JsonObject o, string name) => o[name] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var n) && n >= 1 => n,
            _ => throw Invalid(_path, $"\"{name}\" is not a positive whole number or null"),
        };

        public string RequiredString(JsonObject o, string name, string where) =>
            OptionalString(o, name, where) ?? throw Invalid(_path, $"\"{where}\" is missing");

        public ChatMessage Message(JsonObject item, string where)
        {
            var message = ChatMessageJson.Read(item, where, problem => Invalid(_path, problem));
            if (!Roles.Contains(message.Role))
                throw Invalid(_path, $"{where}.role \"{message.Role}\" is not one of {string.Join(", ", Roles)}");
            if (message.Role == "tool" && message.ToolCallId is null) throw Invalid(_path, $"{where}.toolCallId is missing (a tool message answers a call)");
            return message;
        }
    }
}
