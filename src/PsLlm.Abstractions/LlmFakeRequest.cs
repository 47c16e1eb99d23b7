namespace PsLlm;

/// <summary>
/// A request a fake client received (<see cref="LlmFakeClient.Requests"/>), for a test's
/// assertions: the model, the last user message, the system message, tools, whether it streamed,
/// and the whole JSON body as sent.
/// </summary>
public sealed class LlmFakeRequest
{
    /// <summary>The request's path under the endpoint: /chat/completions, or /models.</summary>
    public string Path { get; init; } = string.Empty;
    /// <summary>The model asked for.</summary>
    public string? Model { get; init; }
    /// <summary>The text of the last user message.</summary>
    public string? Prompt { get; init; }
    /// <summary>The text of the system message, if any.</summary>
    public string? System { get; init; }
    /// <summary>How many messages were sent (system, history, prompt, tool results).</summary>
    public int MessageCount { get; init; }
    /// <summary>The names of the tools offered.</summary>
    public IReadOnlyList<string> ToolNames { get; init; } = Array.Empty<string>();
    /// <summary>True when the answer was asked for as a stream.</summary>
    public bool Stream { get; init; }
    /// <summary>The JSON body as sent (ConvertFrom-Json reads it).</summary>
    public string Body { get; init; } = string.Empty;
    /// <summary>When it was received.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The prompt.</summary>
    public override string ToString() => Prompt ?? Path;
}
