namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// Who a chat talks to, as the conventions want it: provider name, server.address and
/// server.port, read from the endpoint the ChatModelStart event shows. Every server PsLlm reaches
/// speaks the OpenAI API, so the provider is "openai" (the telemetry flavour, as the convention
/// defines it) unless the host is Azure OpenAI; server.address tells Ollama from vLLM.
/// </summary>
internal sealed record GenAiServer(string ProviderName, string? Address, int? Port)
{
    public static GenAiServer FromEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return new GenAiServer(GenAiConventions.ProviderOpenAI, null, null);
        var host = uri.Host;
        var provider = host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase)
            ? GenAiConventions.ProviderAzureOpenAI
            : GenAiConventions.ProviderOpenAI;
        return new GenAiServer(provider, host, uri.Port);
    }
}
