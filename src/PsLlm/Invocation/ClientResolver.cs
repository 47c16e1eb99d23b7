using System.Security;
using PsLlm.Engine;
using PsLlm.State;

namespace PsLlm.Invocation;

/// <summary>
/// Finds the client a command uses when none is given: New-LlmClient -Default, else one built
/// from OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL (rebuilt when they change).
/// </summary>
internal static class ClientResolver
{
    public const string ApiKeyVariable = "OPENAI_API_KEY";
    public const string BaseUrlVariable = "OPENAI_BASE_URL";
    public const string ModelVariable = "PSLLM_MODEL";

    public static LlmClient Resolve(LlmClient? given)
    {
        if (given is not null) return given;
        var state = ModuleState.Current;
        if (state.DefaultClient is { } chosen) return chosen;

        var key = Environment.GetEnvironmentVariable(ApiKeyVariable);
        var url = Environment.GetEnvironmentVariable(BaseUrlVariable);
        var model = Environment.GetEnvironmentVariable(ModelVariable);
        var fingerprint = $"{key?.GetHashCode()}|{url}|{model}";
        if (state.EnvironmentClient is { } cached && state.EnvironmentFingerprint == fingerprint) return cached;

        var endpoint = string.IsNullOrWhiteSpace(url) ? LlmClient.OpenAIEndpoint : ChatEngine.ParseEndpoint(url);
        var client = new LlmClient(endpoint, ToSecure(key), DefaultModel()) { IsDefault = true };
        state.EnvironmentClient = client;
        state.EnvironmentFingerprint = fingerprint;
        return client;
    }

    /// <summary>PSLLM_MODEL, else <see cref="LlmClient.FallbackModel"/>.</summary>
    public static string DefaultModel() =>
        Environment.GetEnvironmentVariable(ModelVariable) is { Length: > 0 } model ? model : LlmClient.FallbackModel;

    /// <summary>
    /// The environment's key for an explicitly created client, only when it points where that key
    /// belongs: a key for OpenAI must not be sent to some other server the user named.
    /// </summary>
    public static SecureString? EnvironmentKeyFor(Uri endpoint)
    {
        var key = Environment.GetEnvironmentVariable(ApiKeyVariable);
        if (string.IsNullOrEmpty(key)) return null;
        var url = Environment.GetEnvironmentVariable(BaseUrlVariable);
        var keyHome = LlmClient.OpenAIEndpoint;
        if (!string.IsNullOrWhiteSpace(url) && !Uri.TryCreate(url.Trim(), UriKind.Absolute, out keyHome)) return null;
        return Uri.Compare(keyHome, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? ToSecure(key)
            : null;
    }

    private static SecureString? ToSecure(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var secure = new SecureString();
        foreach (var c in value) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
