using System.Collections;
using System.Management.Automation;

namespace PsLlm.Arguments;

/// <summary>Converts a -Metadata hashtable into run metadata (keys as PowerShell compares them, values unwrapped).</summary>
internal static class MetadataArgument
{
    public static IReadOnlyDictionary<string, object?> ToDictionary(Hashtable? table)
    {
        var metadata = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (table is null) return metadata;
        foreach (DictionaryEntry entry in table)
            metadata[entry.Key.ToString() ?? string.Empty] = entry.Value is PSObject p ? p.BaseObject : entry.Value;
        return metadata;
    }
}
