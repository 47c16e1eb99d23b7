namespace PsLlm.Benchmarks.Handlers;

/// <summary>An async handler that counts tokens on its worker: what queueing an event costs the chat's thread.</summary>
internal sealed class CountingAsyncHandler : AsyncCallbackHandler
{
    private long _tokens;

    public CountingAsyncHandler(int capacity) => QueueCapacity = capacity;

    public long Tokens => Interlocked.Read(ref _tokens);

    public override Task OnLlmNewTokenAsync(LlmNewTokenEvent e, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _tokens);
        return Task.CompletedTask;
    }
}
