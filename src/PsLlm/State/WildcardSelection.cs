using System.Management.Automation;

namespace PsLlm.State;

/// <summary>
/// Picks items by names with wildcards, as Get-Command does: each item once, in the order of the
/// names; a name without wildcards that matches nothing writes the caller's not-found error.
/// </summary>
internal static class WildcardSelection
{
    public static IEnumerable<T> Select<T>(IReadOnlyList<T> all, Func<T, string> nameOf, string[]? names, Func<string, ErrorRecord> notFound, Cmdlet cmdlet)
        where T : class
    {
        if (names is null || names.Length == 0) return all;
        var chosen = new List<T>();
        foreach (var name in names)
        {
            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            var matches = all.Where(item => pattern.IsMatch(nameOf(item))).ToArray();
            if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name)) cmdlet.WriteError(notFound(name));
            chosen.AddRange(matches.Where(m => !chosen.Contains(m)));
        }
        return chosen;
    }
}
