namespace PsLlm.Engine.Chat;

/// <summary>
/// Rejects a request that cannot succeed, before anything is sent: the user gets a specific
/// message instead of a server's 400 (and is not billed for it).
/// </summary>
internal static class ChatRequestValidator
{
    /// <summary>OpenAI accepts at most four stop sequences.</summary>
    public const int MaxStopSequences = 4;

    /// <summary>The reasoning_effort values OpenAI accepts.</summary>
    public static readonly IReadOnlyList<string> ReasoningEfforts = new[] { "minimal", "low", "medium", "high" };

    public static void Validate(ChatRequest request, LlmClient client)
    {
        if (string.IsNullOrWhiteSpace(request.Prompt) && !(request.PromptParts?.Any(p => !string.IsNullOrWhiteSpace(p)) ?? false))
            throw Invalid("LlmEmptyPrompt", "Prompt", "The prompt is empty. Give the text to send with -Prompt or through the pipeline.");
        if (request.Temperature is { } t && (double.IsNaN(t) || t < 0 || t > 2))
            throw Invalid("LlmTemperatureOutOfRange", "Temperature", $"Temperature {t} is outside 0 to 2.");
        if (request.TopP is { } p && (double.IsNaN(p) || p < 0 || p > 1))
            throw Invalid("LlmTopPOutOfRange", "TopP", $"TopP {p} is outside 0 to 1.");
        if (request.MaxTokens is { } m && m <= 0)
            throw Invalid("LlmMaxTokensNotPositive", "MaxTokens", $"MaxTokens must be a positive number of tokens; {m} is not.");
        if (request.Stop.Count > MaxStopSequences)
            throw Invalid("LlmTooManyStopSequences", "Stop", $"At most {MaxStopSequences} stop sequences are allowed; {request.Stop.Count} were given.");
        if (request.Stop.Any(string.IsNullOrEmpty))
            throw Invalid("LlmEmptyStopSequence", "Stop", "A stop sequence is empty.");
        if (request.ReasoningEffort is { } effort && !ReasoningEfforts.Contains(effort, StringComparer.OrdinalIgnoreCase))
            throw Invalid("LlmInvalidReasoningEffort", "ReasoningEffort", $"ReasoningEffort '{effort}' is not one of {string.Join(", ", ReasoningEfforts)}.");
        if (string.IsNullOrWhiteSpace(request.Model ?? client.Model))
            throw Invalid("LlmModelMissing", "Model", "No model given. Use -Model, New-LlmClient -Model or the PSLLM_MODEL environment variable.");
        ValidateTools(request);
        ValidateClient(client);
    }

    /// <summary>The client can reach its server: a valid endpoint, and a key where one is needed.</summary>
    public static void ValidateClient(LlmClient client)
    {
        EndpointRules.EnsureValid(client.Endpoint);
        if (!client.HasApiKey && EndpointRules.RequiresApiKey(client.Endpoint))
            throw new LlmException(
                LlmErrorKind.Authentication,
                "LlmApiKeyMissing",
                $"No API key for {client.Endpoint.Host}. Set OPENAI_API_KEY or use New-LlmClient -ApiKey.")
            {
                RecommendedAction = "$env:OPENAI_API_KEY = '<key>', or New-LlmClient -ApiKey (Read-Host -AsSecureString)",
            };
    }

    private static void ValidateTools(ChatRequest request)
    {
        if (request.MaxToolRounds < 1)
            throw Invalid("LlmMaxToolRoundsNotPositive", "MaxToolRounds", $"MaxToolRounds must be at least 1; {request.MaxToolRounds} is not.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in request.Tools)
        {
            if (!Tools.ToolNameRules.IsValid(tool.Name))
                throw Invalid("LlmInvalidToolName", "Tool", $"'{tool.Name}' is not a valid tool name (letters, digits, _ and -, at most 64).");
            if (!names.Add(tool.Name))
                throw Invalid("LlmDuplicateToolName", "Tool", $"Two tools are named '{tool.Name}'; the model could not tell them apart.");
        }
        if (request.ToolChoice is { Length: > 0 } choice)
        {
            if (request.Tools.Count == 0)
                throw Invalid("LlmToolChoiceWithoutTools", "ToolChoice", "-ToolChoice needs tools (-Tool).");
            if (ToolChoiceKeyword(choice) is null && !names.Contains(choice))
                throw Invalid("LlmUnknownToolChoice", "ToolChoice", $"-ToolChoice '{choice}' is not auto, none, required or the name of a given tool ({string.Join(", ", names)}).");
        }
    }

    /// <summary>
    /// auto, none or required in any case, as the wire spells them; null for anything else, which
    /// is a tool's name exactly as the tool spells it.
    /// </summary>
    public static string? ToolChoiceKeyword(string choice) =>
        choice.ToLowerInvariant() is "auto" or "none" or "required" ? choice.ToLowerInvariant() : null;

    private static LlmException Invalid(string errorId, string parameter, string message) =>
        new(LlmErrorKind.InvalidInput, errorId, message) { ParameterName = parameter };
}
