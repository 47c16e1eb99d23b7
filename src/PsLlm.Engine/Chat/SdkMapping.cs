using OpenAI.Chat;
using SdkChatMessage = OpenAI.Chat.ChatMessage;

namespace PsLlm.Engine.Chat;

/// <summary>Converts between PsLlm's request/response shapes and the OpenAI SDK's, in one place.</summary>
internal static class SdkMapping
{
    public static List<SdkChatMessage> ToSdk(IEnumerable<PsLlm.ChatMessage> messages) =>
        messages.Select(ToSdk).ToList();

    private static SdkChatMessage ToSdk(PsLlm.ChatMessage message)
    {
        if (message.Role == "tool")
            return new ToolChatMessage(message.ToolCallId ?? string.Empty, message.Content);
        if (message.Role == "assistant" && message.ToolCalls.Count > 0)
        {
            var calls = message.ToolCalls.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Arguments)));
            var assistant = new AssistantChatMessage(calls);
            if (!string.IsNullOrEmpty(message.Content)) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(message.Content));
            return assistant;
        }
        if (!message.IsMultipart) return message.Role switch
        {
            "system" => new SystemChatMessage(message.Content),
            "assistant" => new AssistantChatMessage(message.Content),
            "user" => new UserChatMessage(message.Content),
            _ => throw UnknownRole(message.Role),
        };
        var parts = message.Parts.Select(ChatMessageContentPart.CreateTextPart).ToArray();
        return message.Role switch
        {
            "system" => new SystemChatMessage(parts),
            "assistant" => new AssistantChatMessage(parts),
            "user" => new UserChatMessage(parts),
            _ => throw UnknownRole(message.Role),
        };
    }

    private static LlmException UnknownRole(string role) =>
        new(LlmErrorKind.InvalidInput, "LlmUnknownRole", $"Unknown message role '{role}'.");

#pragma warning disable OPENAI001 // Seed is marked experimental by the SDK but is a stable API field.
    public static ChatCompletionOptions ToOptions(ChatRequest request)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = (float?)request.Temperature,
            TopP = (float?)request.TopP,
            MaxOutputTokenCount = request.MaxTokens,
            Seed = request.Seed,
        };
        foreach (var stop in request.Stop) options.StopSequences.Add(stop);
        foreach (var tool in request.Tools)
            // A tool without parameters sends no schema at all, as OpenAI's own examples do.
            options.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description,
                string.IsNullOrWhiteSpace(tool.ParametersSchema) ? null : BinaryData.FromString(tool.ParametersSchema),
                tool.Strict ? true : null));
        if (request.Tools.Count > 0 && request.ToolChoice is { Length: > 0 } choice)
        {
            options.ToolChoice = choice.ToLowerInvariant() switch
            {
                "auto" => ChatToolChoice.CreateAutoChoice(),
                "none" => ChatToolChoice.CreateNoneChoice(),
                "required" => ChatToolChoice.CreateRequiredChoice(),
                _ => ChatToolChoice.CreateFunctionChoice(choice),
            };
        }
        if (request.ReasoningEffort is { } effort) options.ReasoningEffortLevel = new ChatReasoningEffortLevel(effort.ToLowerInvariant());
        options.ResponseFormat = request.ResponseFormat switch
        {
            null => null,
            { Kind: "json_object" } => ChatResponseFormat.CreateJsonObjectFormat(),
            var schema => ChatResponseFormat.CreateJsonSchemaFormat(
                schema.SchemaName!, BinaryData.FromString(schema.Schema!), schema.Description, schema.Strict),
        };
        return options;
    }
#pragma warning restore OPENAI001

    /// <summary>The parameters as LangChain reports them in on_chat_model_start (no credentials).</summary>
    public static IReadOnlyDictionary<string, object?> InvocationParameters(ChatRequest request, string model)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal) { ["model"] = model, ["stream"] = request.Stream };
        if (request.Temperature is { } t) parameters["temperature"] = t;
        if (request.TopP is { } p) parameters["top_p"] = p;
        if (request.MaxTokens is { } m) parameters["max_tokens"] = m;
        if (request.Stop.Count > 0) parameters["stop"] = request.Stop.ToArray();
        if (request.Seed is { } s) parameters["seed"] = s;
        if (request.ReasoningEffort is { } e) parameters["reasoning_effort"] = e;
        if (request.ResponseFormat is { } f) parameters["response_format"] = f.Kind;
        return parameters;
    }

    public static string FinishReason(ChatFinishReason? reason) => reason switch
    {
        null => string.Empty,
        ChatFinishReason.Stop => "stop",
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.FunctionCall => "function_call",
        _ => reason.ToString()!.ToLowerInvariant(),
    };

    public static TokenUsage? Usage(ChatTokenUsage? usage) => usage is null ? null : new TokenUsage
    {
        InputTokens = usage.InputTokenCount,
        OutputTokens = usage.OutputTokenCount,
        TotalTokens = usage.TotalTokenCount,
        ReasoningTokens = usage.OutputTokenDetails?.ReasoningTokenCount ?? 0,
        CachedInputTokens = usage.InputTokenDetails?.CachedTokenCount ?? 0,
    };

    public static IReadOnlyList<ToolCall> ToolCalls(IEnumerable<ChatToolCall> calls) =>
        calls.Select(c => new ToolCall(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? "{}")).ToArray();

    public static string Text(ChatMessageContent content) =>
        string.Concat(content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
}
