using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// Reads any JSON value into a string. Admin-API callers (Pester, ConvertTo-Json) emit numbers for
/// values such as Retry-After and objects for tool arguments; rejecting those would only make tests brittle.
/// </summary>
internal sealed class LenientStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadLenient(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);

    internal static string? ReadLenient(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Number => reader.HasValueSequence
            ? Encoding.UTF8.GetString(reader.ValueSequence)
            : Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.StartObject or JsonTokenType.StartArray => JsonElement.ParseValue(ref reader).GetRawText(),
        _ => throw new JsonException($"Unexpected JSON token {reader.TokenType} where a string was expected."),
    };
}
