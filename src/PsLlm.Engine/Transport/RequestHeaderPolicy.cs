using System.ClientModel.Primitives;

namespace PsLlm.Engine.Transport;

/// <summary>
/// Adds the user's -Header values to every try, sends Azure's api-key header, and removes the
/// Authorization header when the client has no key (servers such as Ollama need none, and a
/// placeholder bearer token would only confuse proxies). Runs just before the transport, after
/// the SDK's own key policy.
/// </summary>
internal sealed class RequestHeaderPolicy : PipelinePolicy
{
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly string? _azureApiKey;
    private readonly bool _hasKey;

    public RequestHeaderPolicy(IReadOnlyDictionary<string, string> headers, bool hasKey, string? azureApiKey)
    {
        _headers = headers;
        _hasKey = hasKey;
        _azureApiKey = azureApiKey;
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message.Request);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message.Request);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }

    private void Apply(PipelineRequest request)
    {
        if (!_hasKey) request.Headers.Remove("Authorization");
        if (_azureApiKey is not null) request.Headers.Set("api-key", _azureApiKey);
        foreach (var (name, value) in _headers) request.Headers.Set(name, value);
    }
}
