using System.Text.Json.Serialization;

namespace PsLlm.FakeOpenAI;

/// <summary>A function call the fake assistant asks the client to perform.</summary>
public sealed class FakeToolCall
{
    /// <summary>Tool call id; when empty the server generates one (<c>call_fake_&lt;n&gt;_&lt;i&gt;</c>).</summary>
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>JSON arguments text. Over the admin API an object is accepted too and re-serialized,
    /// because PowerShell callers naturally write hashtables.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string Arguments { get; set; } = "{}";
}
