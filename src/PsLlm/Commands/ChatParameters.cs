using System.Collections;

namespace PsLlm.Commands;

/// <summary>Invoke-LlmChat's bound parameters for one input object.</summary>
internal sealed record ChatParameters
{
    public string? Prompt { get; init; }
    public string? System { get; init; }
    public LlmClient? Client { get; init; }
    public string? Model { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public string[]? Stop { get; init; }
    public long? Seed { get; init; }
    public bool Stream { get; init; }
    public bool AsEvents { get; init; }
    public object[]? Callback { get; init; }
    public string[]? Tag { get; init; }
    public Hashtable? Metadata { get; init; }
}
