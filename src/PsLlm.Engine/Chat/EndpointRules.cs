namespace PsLlm.Engine.Chat;

/// <summary>What the module accepts as a server base URL, and which servers need a key.</summary>
internal static partial class EndpointRules
{
    /// <summary>Parses a user-given base URL, rejecting anything that is not absolute http(s).</summary>
    public static Uri Parse(string endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint)
            || !Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri))
        {
            throw Malformed(endpoint);
        }
        EnsureValid(uri);
        return uri;
    }

    public static void EnsureValid(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            throw Malformed(uri.IsAbsoluteUri ? Display(uri) : uri.OriginalString);
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidEndpoint",
                "The endpoint must not carry credentials in the URL; use -ApiKey or -Header.") { ParameterName = "Endpoint" };
    }

    /// <summary>
    /// A proxy as users give it: an absolute http, https or socks URL without credentials in it
    /// (they go to -ProxyCredential, which is kept out of sight).
    /// </summary>
    public static Uri CheckProxy(Uri proxy)
    {
        if (!proxy.IsAbsoluteUri || proxy.Scheme is not ("http" or "https" or "socks4" or "socks4a" or "socks5") || string.IsNullOrEmpty(proxy.Host))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidProxy",
                $"'{Redact(proxy.OriginalString)}' is not a proxy URL. Give one such as http://proxy.example.com:8080.") { ParameterName = "Proxy" };
        if (!string.IsNullOrEmpty(proxy.UserInfo))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidProxy",
                "The proxy URL must not carry a user name or password; give them with -ProxyCredential.") { ParameterName = "Proxy" };
        return proxy;
    }

    /// <summary>
    /// OpenAI's and Azure's hosted services always need a key; a server on this machine or any
    /// other OpenAI-compatible host (Ollama, LM Studio, vLLM, llama.cpp) may not.
    /// </summary>
    public static bool RequiresApiKey(Uri uri) =>
        uri.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase)
        || uri.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>The endpoint as shown in events and logs: no query string, no user info.</summary>
    public static string Display(Uri uri) =>
        uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');

    /// <summary>
    /// A URL the user typed, with any user info (user:password@) taken out, for error messages and
    /// records: also when it is too malformed to parse.
    /// </summary>
    public static string Redact(string? value) =>
        value is null ? string.Empty : UserInfo().Replace(value, "$1");

    [System.Text.RegularExpressions.GeneratedRegex(@"(//)[^/?#\s]*@")]
    private static partial System.Text.RegularExpressions.Regex UserInfo();

    private static LlmException Malformed(string? value) =>
        new(LlmErrorKind.InvalidInput, "LlmInvalidEndpoint",
            $"'{Redact(value)}' is not a valid endpoint. Give the API's base URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1.")
        { ParameterName = "Endpoint" };
}
