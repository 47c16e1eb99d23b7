using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// Decides whether a recorded request body is a "subset" of a sent one. Subset rather than equality
/// because clients legitimately add properties the recording lacks (stream_options, temperature, ...).
/// </summary>
internal static class JsonSubsetMatcher
{
    public const int NoMatch = -1;

    /// <summary>
    /// Returns <see cref="NoMatch"/>, or the number of recorded properties matched at any depth, which
    /// ranks competing recordings: the more a recording pins down, the more specific it is.
    /// </summary>
    public static int Score(JsonNode? expected, JsonNode? actual)
    {
        switch (expected)
        {
            case null:
                return actual is null || (actual is JsonValue v && v.GetValueKind() == JsonValueKind.Null) ? 0 : NoMatch;

            case JsonObject expectedObject:
                if (actual is not JsonObject actualObject)
                {
                    return NoMatch;
                }

                var total = 0;
                foreach (var (name, expectedValue) in expectedObject)
                {
                    // A recorded null and an omitted property mean the same thing to the service.
                    if (!actualObject.TryGetPropertyValue(name, out var actualProperty) && !IsNull(expectedValue))
                    {
                        return NoMatch;
                    }

                    var score = Score(expectedValue, actualProperty);
                    if (score == NoMatch)
                    {
                        return NoMatch;
                    }

                    total += 1 + score;
                }

                return total;

            case JsonArray expectedArray:
                if (actual is not JsonArray actualArray || actualArray.Count != expectedArray.Count)
                {
                    return NoMatch;
                }

                var sum = 0;
                for (var i = 0; i < expectedArray.Count; i++)
                {
                    var score = Score(expectedArray[i], actualArray[i]);
                    if (score == NoMatch)
                    {
                        return NoMatch;
                    }

                    sum += score;
                }

                return sum;

            case JsonValue expectedScalar:
                return actual is JsonValue actualScalar && ValuesEqual(expectedScalar, actualScalar) ? 0 : NoMatch;

            default:
                return NoMatch;
        }
    }

    private static bool IsNull(JsonNode? node) =>
        node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    private static bool ValuesEqual(JsonValue expected, JsonValue actual)
    {
        var kind = expected.GetValueKind();
        if (kind != actual.GetValueKind())
        {
            return false;
        }

        return kind switch
        {
            JsonValueKind.Number => NumbersEqual(expected.ToJsonString(), actual.ToJsonString()),
            JsonValueKind.String => string.Equals(ReadString(expected), ReadString(actual), StringComparison.Ordinal),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
            _ => expected.ToJsonString() == actual.ToJsonString(),
        };
    }

    private static bool NumbersEqual(string a, string b)
    {
        if (decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
            && decimal.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
        {
            return da == db;
        }

        return double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var fa)
            && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var fb)
            && fa.Equals(fb);
    }

    private static string? ReadString(JsonValue value) =>
        value.TryGetValue<string>(out var s) ? s : JsonSerializer.Deserialize<string>(value.ToJsonString());
}
