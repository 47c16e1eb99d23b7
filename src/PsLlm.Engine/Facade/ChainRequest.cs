namespace PsLlm.Engine;

/// <summary>
/// A chain run as Invoke-LlmChain describes it: a named piece of work whose chats (and chains)
/// become its children. <see cref="Callbacks"/> reach the chain and every run under it;
/// <see cref="LocalHandlers"/> the chain's own events only.
/// </summary>
public sealed class ChainRequest
{
    /// <summary>The chain's name in events and logs.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>What the chain was given, as ChainStart reports it.</summary>
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();
    /// <summary>Request-level handlers: the chain and every run under it (-Callback).</summary>
    public IReadOnlyList<CallbackHandler> Callbacks { get; init; } = Array.Empty<CallbackHandler>();
    /// <summary>Handlers for the chain's own events only (session registrations, delivery).</summary>
    public IReadOnlyList<CallbackHandler> LocalHandlers { get; init; } = Array.Empty<CallbackHandler>();
    /// <summary>Tags of the chain, inherited by every run under it.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Metadata of the chain, inherited by every run under it.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = new Dictionary<string, object?>();
}
