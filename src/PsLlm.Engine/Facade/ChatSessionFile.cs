using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Sessions;

namespace PsLlm.Engine;

/// <summary>
/// Saves and loads a <see cref="ChatSession"/> as a documented, versioned JSON file (UTF-8, no BOM,
/// two-space indent, "\n" line ends):
/// <code>
/// {
///   "format": "psllm.chat-session",       // marks the file as ours
///   "version": 1,                         // a reader refuses versions it does not know
///   "id": "3f2c…",                        // the session's Id (a GUID)
///   "createdAt": "2025-01-31T09:30:00.1234567Z",   // ISO 8601, UTC
///   "updatedAt": "2025-01-31T09:41:12.7654321Z",
///   "model": "gpt-4o-mini",               // or null: the client's
///   "system": "You are terse.",           // or null
///   "maxHistory": 20,                     // or null: no limit
///   "maxTokens": null,                    // or a positive number
///   "messages": [
///     { "role": "user", "content": "…" },
///     { "role": "assistant", "content": "", "toolCalls": [ { "id": "call_1", "name": "Get-Weather", "arguments": "{\"city\":\"Oslo\"}" } ] },
///     { "role": "tool", "toolCallId": "call_1", "name": "Get-Weather", "content": "…" },
///     { "role": "assistant", "content": "…" }
///   ]
/// }
/// </code>
/// Messages are in <see cref="ChatMessageJson"/>'s form, the one JSONL lines and the log use too: a
/// message sent as several text parts has "parts" besides its joined "content" (files written
/// before kept the parts in "content", which is still read); a tool call or an assistant message
/// may have "providerFields", what the server attached that must be sent back (Gemini's
/// <c>{"extra_content": {"google": {"thought_signature": "…"}}}</c>), kept verbatim. A prompt's
/// attachments are kept with it ("attachments"): text files with their text, images by their URL,
/// and images from local files embedded as data URIs (base64), so a file with images can be large
/// but the conversation goes on wherever the file is imported. Unknown
/// properties are ignored, so version 1 can gain optional fields. The session's client is not
/// saved at all: no key, header, endpoint or other credential ever reaches the file; the importer
/// names a client (or the default one applies). Token usage is not saved either.
/// </summary>
public static class ChatSessionFile
{
    /// <summary>The value of the "format" property.</summary>
    public const string FormatName = "psllm.chat-session";

    /// <summary>The format version this module writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    internal const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        // The file is read by people and by this module, never embedded in HTML: keep text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes the session to <paramref name="path"/> atomically: into a temporary file in the same
    /// folder, flushed to disk, then moved over the target, so a crash leaves either the old file
    /// or the new one, never half of one. With <paramref name="overwrite"/> false an existing file
    /// makes it throw <see cref="IOException"/> and stays as it was. IO failures propagate.
    /// </summary>
    public static void Write(ChatSession session, string path, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        var bytes = Serialize(session);
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target) ?? throw new IOException($"'{target}' has no parent folder.");
        var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Reads a session file into a new <see cref="ChatSession"/> (no client; Id and times as saved).
    /// Throws <see cref="LlmException"/>: LlmSessionFileNotFound (kind NotFound),
    /// LlmSessionFileInvalid or LlmSessionFileTooNew (kind InvalidInput). Other IO failures
    /// propagate. Nothing is shared with existing sessions, so a failed read changes nothing.
    /// </summary>
    public static ChatSession Read(string path)
    {
        var target = Path.GetFullPath(path);
        if (Directory.Exists(target))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmSessionFileIsDirectory",
                $"'{target}' is a directory, not a session file.")
            {
                ParameterName = "Path",
                RecommendedAction = "Give the path of a file written by Export-LlmChatSession.",
            };
        string text;
        try
        {
            text = File.ReadAllText(target);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new LlmException(LlmErrorKind.NotFound, "LlmSessionFileNotFound", $"The session file '{target}' does not exist.", e)
            {
                ParameterName = "Path",
            };
        }
        return ChatSessionFileReader.Parse(text, target);
    }

    /// <summary>The file's bytes for a session (what <see cref="Write"/> stores).</summary>
    internal static byte[] Serialize(ChatSession session)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", CurrentVersion);
            json.WriteString("id", session.Id.ToString("D"));
            json.WriteString("createdAt", FormatTimestamp(session.CreatedAt));
            json.WriteString("updatedAt", FormatTimestamp(session.UpdatedAt));
            WriteNullable(json, "model", session.Model);
            WriteNullable(json, "system", session.System);
            WriteNullable(json, "maxHistory", session.MaxHistory);
            WriteNullable(json, "maxTokens", session.MaxTokens);
            json.WriteStartArray("messages");
            foreach (var message in session.Messages) ChatMessageJson.Write(json, message, embedImages: true);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, int? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteNumber(name, value.Value);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
