using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;

namespace PsLlm.Invocation;

/// <summary>
/// The one way bound parameters become a chat request, for Invoke-LlmChat's chats and
/// Start-LlmBatch's items alike: attachments read, the schema converted, metadata taken over.
/// </summary>
internal static class ChatRequestFactory
{
    /// <summary>The request for <paramref name="p"/>, reaching <paramref name="callbacks"/> (the run's -Callback handlers).</summary>
    public static ChatRequest Build(PSCmdlet cmdlet, ChatParameters p, IReadOnlyList<CallbackHandler> callbacks) =>
        new ChatRequest
        {
            Prompt = p.Prompt ?? string.Empty,
            Attachments = AttachmentArgument.ToAttachments(cmdlet, p.Attachment),
            System = p.System,
            Model = p.Model ?? p.Session?.Model,
            Temperature = p.Temperature,
            TopP = p.TopP,
            MaxTokens = p.MaxTokens,
            Stop = p.Stop ?? Array.Empty<string>(),
            Seed = p.Seed,
            Stream = p.Stream || p.AsEvents,
            Tags = p.Tag ?? Array.Empty<string>(),
            Metadata = MetadataArgument.ToDictionary(p.Metadata),
            Callbacks = callbacks,
            Session = p.Session,
            Tools = p.Tool ?? Array.Empty<LlmTool>(),
            ToolChoice = p.ToolChoice,
            MaxToolRounds = p.MaxToolRounds,
            ResponseFormat = p.JsonSchema is not null
                ? ResponseFormatSpec.JsonSchema(p.SchemaName, JsonText.FromSchema(p.JsonSchema, cmdlet), strict: true)
                : p.JsonMode ? ResponseFormatSpec.JsonObject : null,
        };
}
