namespace PsLlm;

/// <summary>
/// A model a server offers (Get-LlmModel), as its models list (<c>GET /models</c>) describes it.
/// Servers say different amounts: only <see cref="Id"/> is always there.
/// </summary>
public sealed class LlmModel
{
    /// <summary>The name to give as -Model, e.g. gpt-4o-mini or llama3.2:latest.</summary>
    public string Id { get; init; } = string.Empty;
    /// <summary>A readable name, when the server gives one (Anthropic, OpenRouter).</summary>
    public string? DisplayName { get; init; }
    /// <summary>Who publishes it (owned_by), when the server says.</summary>
    public string? OwnedBy { get; init; }
    /// <summary>When the model was created or added, when the server says.</summary>
    public DateTimeOffset? Created { get; init; }
    /// <summary>How many tokens fit its context window, when the server says.</summary>
    public int? ContextLength { get; init; }
    /// <summary>The server's base URL, as shown (scheme, host, port and path; never credentials).</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>The model's <see cref="Id"/>.</summary>
    public override string ToString() => Id;
}
