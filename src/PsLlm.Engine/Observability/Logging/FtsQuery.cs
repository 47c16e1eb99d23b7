namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Turns what a user typed into an FTS5 query that cannot be a syntax error: every word becomes a
/// quoted phrase (so AND, OR, NEAR, quotes, colons and parentheses are just text), all required;
/// a word ending in * stays a prefix search. Words without a letter or digit (a lone quote, an
/// operator sign) match nothing in the index and are left out. Empty text gives null; text with
/// no word at all is an error, never a search for everything.
/// </summary>
internal static class FtsQuery
{
    public static string? From(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var terms = new List<string>();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = word.Length > 1 && word.EndsWith('*');
            var bare = prefix ? word[..^1] : word;
            if (!bare.Any(char.IsLetterOrDigit)) continue;
            var quoted = bare.Replace("\"", "\"\"");
            terms.Add(prefix ? $"\"{quoted}\"*" : $"\"{quoted}\"");
        }
        if (terms.Count == 0)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidSearch",
                $"-Search '{text}' has no word to look for: the log indexes letters and digits, not punctuation.")
            { ParameterName = "Search" };
        return string.Join(' ', terms);
    }
}
