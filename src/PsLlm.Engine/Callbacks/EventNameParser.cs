namespace PsLlm.Engine.Callbacks;

/// <summary>Reads user-given event names ("LlmNewToken", "llmend", "*") with a helpful error for typos.</summary>
internal static class EventNameParser
{
    /// <summary>All event names a handler can ask for.</summary>
    public static IReadOnlyList<string> ValidNames { get; } = Enum.GetNames<LlmEventName>();

    /// <summary>Returns null for "all events" ("*" anywhere in the list), otherwise the names.</summary>
    public static IReadOnlyList<LlmEventName>? Parse(IEnumerable<string> names)
    {
        var result = new List<LlmEventName>();
        foreach (var raw in names)
        {
            var name = raw?.Trim() ?? string.Empty;
            if (name == "*") return null;
            // Accept the engine-event spelling too (PsLlm.LlmEnd), since users see both.
            if (name.StartsWith("PsLlm.", StringComparison.OrdinalIgnoreCase)) name = name["PsLlm.".Length..];
            if (!Enum.TryParse<LlmEventName>(name, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(name, out _))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmUnknownEventName",
                    $"'{raw}' is not a PsLlm event name. Valid names: {string.Join(", ", ValidNames)}, or * for all.")
                { ParameterName = "EventName" };
            if (!result.Contains(parsed)) result.Add(parsed);
        }
        if (result.Count == 0)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmUnknownEventName", "No event name given.") { ParameterName = "EventName" };
        return result;
    }
}
