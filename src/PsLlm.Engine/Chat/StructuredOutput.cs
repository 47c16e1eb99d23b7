using System.Text.Json;

namespace PsLlm.Engine.Chat;

/// <summary>
/// When JSON was asked for (JSON mode or a schema), the answer must be JSON: a refusal or text
/// that does not parse fails the chat, keeping what the model said on the error.
/// </summary>
internal static class StructuredOutput
{
    public static void Check(ChatRequest request, ChatResponse response)
    {
        if (request.ResponseFormat is null) return;
        if (!string.IsNullOrEmpty(response.Refusal))
            throw new LlmException(LlmErrorKind.Refused, "LlmRefused", $"The model refused: {response.Refusal}")
            { PartialText = response.Text, PartialResponse = response };
        try
        {
            using var _ = JsonDocument.Parse(response.Text);
        }
        catch (JsonException ex)
        {
            throw new LlmException(LlmErrorKind.InvalidResponse, "LlmInvalidJson",
                $"The answer is not the JSON that was asked for ({ex.Message}); the raw text is on the error's PartialText.")
            { PartialText = response.Text, PartialResponse = response };
        }
    }
}
