using System.Collections;
using System.Globalization;
using System.Text;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Turns the arbitrary values a run carries (chain inputs and outputs, metadata, invocation
/// parameters) into text, on the chat's own thread: the log's writer runs on a background thread
/// and must never touch PowerShell objects, and a huge value must not bloat the log.
/// </summary>
internal static class ValueSnapshot
{
    /// <summary>The longest text kept for one value; longer text is cut and marked.</summary>
    public const int MaxLength = 64 * 1024;

    public static IReadOnlyDictionary<string, string?> Of(IReadOnlyDictionary<string, object?> values, int maxLength = 8 * 1024)
    {
        var map = new Dictionary<string, string?>(values.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var pair in values) map[pair.Key] = Text(pair.Value, maxLength);
        return map;
    }

    public static string? Text(object? value, int maxLength = MaxLength)
    {
        try
        {
            var builder = new StringBuilder();
            Append(builder, value, depth: 0, maxLength);
            return value is null ? null : Clip(builder.ToString(), maxLength);
        }
        catch (Exception error)
        {
            // A value whose ToString throws is logged by type; the chat must not notice.
            return $"[{value?.GetType().Name}: {error.GetType().Name}]";
        }
    }

    public static string Clip(string text, int maxLength = MaxLength) =>
        text.Length <= maxLength ? text : text[..maxLength] + $"… [{text.Length - maxLength} more characters not logged]";

    private static void Append(StringBuilder builder, object? value, int depth, int maxLength)
    {
        if (builder.Length > maxLength) return;
        switch (value)
        {
            case null:
                return;
            case string text:
                builder.Append(text);
                return;
            case ChatResponse response:
                builder.Append(response.Text);
                return;
            case IFormattable formattable:
                builder.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
            case IDictionary dictionary when depth < 3:
                builder.Append('{');
                var firstPair = true;
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (!firstPair) builder.Append(", ");
                    firstPair = false;
                    builder.Append(entry.Key).Append(": ");
                    Append(builder, entry.Value, depth + 1, maxLength);
                    if (builder.Length > maxLength) break;
                }
                builder.Append('}');
                return;
            case IEnumerable items when depth < 3:
                var first = true;
                foreach (var item in items)
                {
                    if (!first) builder.Append('\n');
                    first = false;
                    Append(builder, item, depth + 1, maxLength);
                    if (builder.Length > maxLength) break;
                }
                return;
            default:
                builder.Append(value.ToString());
                return;
        }
    }
}
