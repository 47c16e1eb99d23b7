using System.ClientModel.Primitives;

namespace PsLlm.Engine.Transport;

/// <summary>
/// Puts every try of every request of a client through its <see cref="RequestPacer"/>: waits for
/// the request's turn before it is sent, and tells the pacer what the response said of the limits.
/// </summary>
internal sealed class PacingPolicy(RequestPacer pacer) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        pacer.WaitTurn(EstimatedTokens(message), message.CancellationToken);
        try
        {
            ProcessNext(message, pipeline, currentIndex);
        }
        finally
        {
            if (message.Response is { } response) pacer.Observe(response);
        }
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await pacer.WaitTurnAsync(EstimatedTokens(message), message.CancellationToken).ConfigureAwait(false);
        try
        {
            await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        }
        finally
        {
            if (message.Response is { } response) pacer.Observe(response);
        }
    }

    // A token per four bytes of the request: what servers count is not known before they answer.
    private static int EstimatedTokens(PipelineMessage message) =>
        message.Request.Content is { } content && content.TryComputeLength(out var length) ? (int)Math.Min(int.MaxValue, length / 4) : 0;
}
