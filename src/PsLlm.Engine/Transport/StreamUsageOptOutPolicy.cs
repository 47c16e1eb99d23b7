using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;

namespace PsLlm.Engine.Transport;

/// <summary>
/// The SDK always asks for usage in streams (stream_options.include_usage) and offers no switch.
/// Once a server has rejected that field, this policy removes it from the request body for that
/// client, so streaming still works (without usage) against such servers.
/// </summary>
internal sealed class StreamUsageOptOutPolicy : PipelinePolicy
{
    private readonly LlmClient _client;

    public StreamUsageOptOutPolicy(LlmClient client) => _client = client;

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message.Request);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Rewrite(message.Request);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
    }

    private void Rewrite(PipelineRequest request)
    {
        if (!_client.StreamUsageUnsupported || request.Content is null) return;
        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer);
        if (JsonNode.Parse(buffer.ToArray()) is not JsonObject body || !body.Remove("stream_options")) return;
        request.Content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
    }
}
