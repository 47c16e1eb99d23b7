using PsLlm.Engine;

namespace PsLlm.State;

/// <summary>
/// The models each endpoint offers, asked once per session and kept (Get-LlmModel -Refresh asks
/// again). A failed question is remembered for a short while, so Tab on -Model does not wait on a
/// server that is down every time it is pressed.
/// </summary>
internal sealed class ModelCatalog
{
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, IReadOnlyList<LlmModel>> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _failures = new(StringComparer.Ordinal);

    /// <summary>The client's models: from the cache unless <paramref name="refresh"/>, else asked now.</summary>
    public IReadOnlyList<LlmModel> Get(LlmClient client, bool refresh, CancellationToken cancellationToken)
    {
        var key = Key(client);
        lock (_lists)
            if (!refresh && _lists.TryGetValue(key, out var known)) return known;
        try
        {
            var models = ChatEngine.ListModels(client, cancellationToken);
            lock (_lists)
            {
                _lists[key] = models;
                _failures.Remove(key);
            }
            return models;
        }
        catch (LlmException)
        {
            lock (_lists) _failures[key] = DateTimeOffset.UtcNow;
            throw;
        }
    }

    /// <summary>
    /// The client's models for Tab: cached, else asked with a short <paramref name="timeout"/>;
    /// null when the server cannot say (now, or a moment ago).
    /// </summary>
    public IReadOnlyList<LlmModel>? ForCompletion(LlmClient client, TimeSpan timeout)
    {
        var key = Key(client);
        lock (_lists)
        {
            if (_lists.TryGetValue(key, out var known)) return known;
            if (_failures.TryGetValue(key, out var failed) && DateTimeOffset.UtcNow - failed < FailureMemory) return null;
        }
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            return Get(client, refresh: false, patience.Token);
        }
        catch (Exception e) when (e is LlmException or OperationCanceledException)
        {
            lock (_lists) _failures[key] = DateTimeOffset.UtcNow;
            return null;
        }
    }

    // One list per server and account: an OpenAI project or organization can see other models.
    private static string Key(LlmClient client) => $"{ChatEngine.ShowEndpoint(client.Endpoint)}|{client.Organization}|{client.Project}";
}
