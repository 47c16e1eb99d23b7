namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Turns what a user typed into an FTS5 query that cannot be a syntax error: every word becomes a
/// quoted phrase (so AND, OR, NEAR, quotes, colons and parentheses are just text), all required;
/// a word ending in * stays a prefix search. Empty text gives null.
/// </summary>
public static class FtsQuery
{
    public static string? From(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var terms = new List<string>();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = word.Length > 1 && word.EndsWith('*');
            var bare = (prefix ? word[..^1] : word).Replace("\"", "\"\"");
            if (bare.Trim('"').Length == 0) continue;
            terms.Add(prefix ? $"\"{bare}\"*" : $"\"{bare}\"");
        }
        return terms.Count == 0 ? null : string.Join(' ', terms);
    }
}
