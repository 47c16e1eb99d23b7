using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsLlm.FakeOpenAI;

/// <summary>Reads a JSON object into a string dictionary whose values may be any scalar (see <see cref="LenientStringConverter"/>).</summary>
internal sealed class LenientStringDictionaryConverter : JsonConverter<Dictionary<string, string>>
{
    public override Dictionary<string, string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected a JSON object of header names to values.");
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString() ?? throw new JsonException("Header name missing.");
            reader.Read();
            result[name] = LenientStringConverter.ReadLenient(ref reader) ?? "";
        }

        return result;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, headerValue) in value)
        {
            writer.WriteString(name, headerValue);
        }

        writer.WriteEndObject();
    }
}
