using System.Text;
using System.Text.Json.Nodes;
using PsLlm.Engine.Observability;
using PsLlm.Engine.Sessions;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Attachments: what a file becomes (checked before anything is sent), the content parts the
/// server receives, and where images are kept whole (session files) or only named (events, logs).
/// </summary>
public sealed class AttachmentTests : FakeServerTestBase, IDisposable
{
    // A real 1×1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly byte[] Gif = Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00\x00\x00\x00;");
    private static readonly byte[] WebP = [.. "RIFF"u8, 0x1A, 0, 0, 0, .. "WEBPVP8L"u8, 0x0D, 0, 0, 0, 0x2F, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0];

    private readonly string _folder = Directory.CreateTempSubdirectory("psllm-attach-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private string TextFile(string name, string text, Encoding? encoding = null)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    [Theory]
    [InlineData("dot.png", "png", "image/png")]
    [InlineData("anim.gif", "gif", "image/gif")]
    [InlineData("pic.webp", "webp", "image/webp")]
    [InlineData("named-wrongly.txt", "png", "image/png")]
    public void An_image_is_known_by_its_bytes_and_embedded_as_a_data_uri(string name, string format, string mediaType)
    {
        var bytes = format switch { "png" => Png, "gif" => Gif, _ => WebP };
        var attachment = ChatAttachments.FromFile(File(name, bytes));
        Assert.Equal((ChatAttachmentKind.Image, name, mediaType, (long)bytes.Length), (attachment.Kind, attachment.Name, attachment.MediaType, attachment.Length));
        Assert.Equal($"data:{mediaType};base64,{Convert.ToBase64String(bytes)}", attachment.Url);
        Assert.Null(attachment.Text);
    }

    [Fact]
    public void A_text_file_is_read_as_text_in_its_encoding_with_a_media_type_from_its_name()
    {
        var markdown = ChatAttachments.FromFile(TextFile("notes.md", "# Ünïcode ✓"));
        Assert.Equal((ChatAttachmentKind.Text, "text/markdown", "# Ünïcode ✓"), (markdown.Kind, markdown.MediaType, markdown.Text));
        // UTF-16 has NUL bytes, yet its byte order mark says it is text.
        var wide = ChatAttachments.FromFile(TextFile("wide.log", "wide text", Encoding.Unicode));
        Assert.Equal(("text/plain", "wide text"), (wide.MediaType, wide.Text));
    }

    [Fact]
    public void What_cannot_be_sent_fails_with_a_specific_error_naming_the_file()
    {
        void Fails(string path, string errorId, LlmErrorKind kind, string inMessage)
        {
            var error = Assert.Throws<LlmException>(() => ChatAttachments.FromFile(path));
            Assert.Equal((errorId, kind, "Attachment"), (error.ErrorId, error.Kind, error.ParameterName));
            Assert.Contains(inMessage, error.Message, StringComparison.Ordinal);
        }

        Fails(Path.Combine(_folder, "missing.png"), "LlmAttachmentNotFound", LlmErrorKind.NotFound, "missing.png");
        Fails(_folder, "LlmAttachmentNotFound", LlmErrorKind.InvalidInput, "is a folder");
        Fails(File("program.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00]), "LlmAttachmentNotSupported", LlmErrorKind.InvalidInput, "program.exe");
        Fails(TextFile("not-really.jpg", "plain words"), "LlmAttachmentNotSupported", LlmErrorKind.InvalidInput, "not-really.jpg");

        var huge = new byte[ChatAttachments.MaxImageBytes + 1];
        Png.CopyTo(huge, 0);
        Fails(File("huge.png", huge), "LlmAttachmentTooLarge", LlmErrorKind.InvalidInput, "at most 20 MB");
        Fails(TextFile("big.txt", new string('x', (int)ChatAttachments.MaxTextBytes + 1)), "LlmAttachmentTooLarge", LlmErrorKind.InvalidInput, "at most 2 MB");
    }

    [Fact]
    public void Urls_are_images_by_reference_and_must_be_http_https_or_image_data()
    {
        var cat = ChatAttachments.FromUrl(new Uri("https://example.com/img/cat.JPG?size=large"));
        Assert.Equal((ChatAttachmentKind.Image, "image/jpeg", "https://example.com/img/cat.JPG?size=large"), (cat.Kind, cat.MediaType, cat.Url));
        Assert.Equal("image/*", ChatAttachments.FromUrl(new Uri("https://example.com/render")).MediaType);
        Assert.Equal("image/png", ChatAttachments.FromUrl(new Uri("data:image/png;base64,AAAA")).MediaType);
        Assert.Equal("LlmAttachmentNotSupported", Assert.Throws<LlmException>(() => ChatAttachments.FromUrl(new Uri("data:text/plain,hello"))).ErrorId);
        Assert.Equal("LlmAttachmentNotSupported", Assert.Throws<LlmException>(() => ChatAttachments.FromUrl(new Uri("ftp://example.com/a.png"))).ErrorId);
        var withPassword = Assert.Throws<LlmException>(() => ChatAttachments.FromUrl(new Uri("https://user:pw-SECRET@example.com/a.png")));
        Assert.DoesNotContain("pw-SECRET", withPassword.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_server_receives_the_prompt_then_each_attachment_as_a_content_part(bool streamed)
    {
        Server.Enqueue(new FakeReply { Text = "A dot and a note." });
        var image = ChatAttachments.FromFile(File("dot.png", Png));
        var note = ChatAttachments.FromFile(TextFile("note.txt", "has ``` inside\n"));
        var url = ChatAttachments.FromUrl(new Uri("https://example.com/cat.png"));

        var response = ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "Describe them.", Attachments = [image, note, url], Stream = streamed }).Ok;

        Assert.Equal("A dot and a note.", response.Text);
        var content = Server.Requests.Single().Json!["messages"]!.AsArray()[^1]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url", "text", "image_url"], content.Select(p => (string?)p!["type"]));
        Assert.Equal("Describe them.", (string?)content[0]!["text"]);
        Assert.Equal(image.Url, (string?)content[1]!["image_url"]!["url"]);
        // The fence is longer than the backticks inside, so the file cannot end it early.
        Assert.Equal("File note.txt:\n````\nhas ``` inside\n````", (string?)content[2]!["text"]);
        Assert.Equal("https://example.com/cat.png", (string?)content[3]!["image_url"]!["url"]);
    }

    [Fact]
    public void A_session_keeps_attachments_and_its_file_embeds_images_while_events_only_name_them()
    {
        Server.Enqueue(new FakeReply { Text = "first" });
        Server.Enqueue(new FakeReply { Text = "second" });
        var client = ChatHarness.Client(Server);
        var session = new ChatSession(client);
        var image = ChatAttachments.FromFile(File("dot.png", Png));

        var first = ChatHarness.Run(client, new ChatRequest { Prompt = "What is it?", Attachments = [image], Session = session });
        Assert.Equal("first", first.Ok.Text);
        var start = first.Log.Events.OfType<ChatModelStartEvent>().Single();
        var eventJson = LlmEventJson.Serialize(start);
        Assert.Contains("\"name\":\"dot.png\"", eventJson, StringComparison.Ordinal);
        Assert.DoesNotContain("base64", eventJson, StringComparison.Ordinal);

        var path = Path.Combine(_folder, "session.json");
        ChatSessionFile.Write(session, path);
        var read = ChatSessionFile.Read(path);
        var kept = Assert.Single(read.Messages[0].Attachments);
        Assert.Equal((ChatAttachmentKind.Image, "dot.png", "image/png", image.Url), (kept.Kind, kept.Name, kept.MediaType, kept.Url));

        // The imported session sends the image again with its history.
        Assert.Equal("second", ChatHarness.Run(client, new ChatRequest { Prompt = "And now?", Session = read }).Ok.Text);
        var history = Server.Requests[^1].Json!["messages"]!.AsArray();
        Assert.Equal(image.Url, (string?)history[0]!["content"]![1]!["image_url"]!["url"]);
    }

    [Fact]
    public void History_trimming_counts_an_image_as_many_tokens()
    {
        var withImage = new ChatMessage("user", "look") { Attachments = [ChatAttachments.FromFile(File("dot.png", Png))] };
        var without = new ChatMessage("user", "look");
        Assert.True(Chat.HistoryTrimmer.EstimateTokens(withImage) - Chat.HistoryTrimmer.EstimateTokens(without) >= 765);
    }
}
