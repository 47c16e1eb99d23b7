using System.Collections;
using System.Management.Automation;
using PsLlm.Invocation;

namespace PsLlm.Arguments;

/// <summary>
/// What New-LlmFakeClient -Response takes, made into answers: a string is an answer's text; a
/// hashtable says more (Text, Tokens, Reasoning, ToolCalls, Usage, FinishReason, TokenDelayMs,
/// Model, or Error/Status for an error answer); an LlmFakeAnswer is used as it is. Anything else,
/// or a key it does not know, is refused with the keys it knows.
/// </summary>
internal static class FakeAnswerArgument
{
    private static readonly string[] Keys = ["Text", "Tokens", "Reasoning", "ToolCalls", "Usage", "FinishReason", "TokenDelayMs", "Model", "Error", "Status"];

    public static IReadOnlyList<LlmFakeAnswer> ToAnswers(IEnumerable<object>? values, PSCmdlet cmdlet)
    {
        var answers = new List<LlmFakeAnswer>();
        var index = 0;
        foreach (var raw in values ?? Array.Empty<object>())
        {
            var value = raw is PSObject wrapped ? wrapped.BaseObject : raw;
            answers.Add(value switch
            {
                LlmFakeAnswer answer => answer,
                string text => new LlmFakeAnswer { Text = text },
                IDictionary table => FromTable(table, index, cmdlet),
                _ => throw Invalid(index, $"is a {value?.GetType().Name ?? "null"}; give a string, a hashtable or an LlmFakeAnswer"),
            });
            index++;
        }
        return answers;
    }

    private static LlmFakeAnswer FromTable(IDictionary table, int index, PSCmdlet cmdlet)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in table)
        {
            var key = entry.Key?.ToString() ?? string.Empty;
            if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                throw Invalid(index, $"has the key '{key}'; the keys are {string.Join(", ", Keys)}");
            values[key] = entry.Value is PSObject p ? p.BaseObject : entry.Value;
        }
        object? Get(string key) => values.TryGetValue(key, out var v) ? v : null;
        var error = Get("Error");
        var status = Get("Status") is { } s ? LanguagePrimitives.ConvertTo<int>(s) : error is null ? (int?)null : 500;
        if (status is < 400 or > 599) throw Invalid(index, $"has Status {status}; an error answer's status is from 400 to 599");
        return new LlmFakeAnswer
        {
            Text = Get("Text")?.ToString() ?? string.Empty,
            Tokens = Get("Tokens") is { } tokens ? LanguagePrimitives.ConvertTo<string[]>(tokens) : null,
            Reasoning = Get("Reasoning")?.ToString(),
            ToolCalls = ToolCalls(Get("ToolCalls"), index, cmdlet),
            Usage = Usage(Get("Usage"), index),
            FinishReason = Get("FinishReason")?.ToString(),
            TokenDelay = Get("TokenDelayMs") is { } delay ? TimeSpan.FromMilliseconds(LanguagePrimitives.ConvertTo<double>(delay)) : TimeSpan.Zero,
            Model = Get("Model")?.ToString(),
            ErrorStatus = status,
            ErrorMessage = error?.ToString(),
        };
    }

    private static IReadOnlyList<ToolCall> ToolCalls(object? value, int index, PSCmdlet cmdlet)
    {
        if (value is null) return Array.Empty<ToolCall>();
        var calls = new List<ToolCall>();
        var n = 0;
        foreach (var item in LanguagePrimitives.GetEnumerable(value) ?? new[] { value })
        {
            if ((item is PSObject p ? p.BaseObject : item) is not IDictionary call || call["Name"] is null)
                throw Invalid(index, "has a tool call that is not a hashtable with a Name (and Arguments, Id)");
            var arguments = call["Arguments"] is PSObject a ? a.BaseObject : call["Arguments"];
            var json = arguments switch
            {
                null => "{}",
                string text => text,
                _ => JsonText.ToJson(arguments, cmdlet, (problem, cause) => Invalid(index, $"has tool call arguments that are not JSON: {problem}")),
            };
            calls.Add(new ToolCall(call["Id"]?.ToString() ?? $"call_fake_{index}_{n}", call["Name"]!.ToString()!, json));
            n++;
        }
        return calls;
    }

    private static TokenUsage? Usage(object? value, int index)
    {
        switch (value)
        {
            case null: return null;
            case TokenUsage usage: return usage;
            case IDictionary table:
                int Read(params string[] names) => names.Select(n => table[n]).FirstOrDefault(v => v is not null) is { } v ? LanguagePrimitives.ConvertTo<int>(v) : 0;
                var input = Read("InputTokens", "PromptTokens", "prompt_tokens");
                var output = Read("OutputTokens", "CompletionTokens", "completion_tokens");
                return new TokenUsage { InputTokens = input, OutputTokens = output, TotalTokens = input + output };
            default: throw Invalid(index, "has a Usage that is not a hashtable (InputTokens, OutputTokens) or a TokenUsage");
        }
    }

    private static LlmException Invalid(int index, string problem) =>
        new(LlmErrorKind.InvalidInput, "LlmFakeAnswerInvalid", $"Answer {index} of -Response {problem}.") { ParameterName = "Response" };
}
