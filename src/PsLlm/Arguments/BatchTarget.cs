using PsLlm.Invocation;

namespace PsLlm.Arguments;

/// <summary>
/// The batches Get-, Wait-, Receive- and Stop-LlmBatch work on: a piped LlmBatch (on its own
/// client), or -Id on -Client's server (else the default client's).
/// </summary>
internal static class BatchTarget
{
    public static IEnumerable<(LlmClient Client, string Id)> From(LlmBatch? batch, IEnumerable<string>? ids, LlmClient? client)
    {
        if (batch is not null)
        {
            yield return (client ?? batch.Client ?? ClientResolver.Resolve(null), batch.Id);
            yield break;
        }
        var resolved = ClientResolver.Resolve(client);
        foreach (var id in ids ?? Array.Empty<string>()) yield return (resolved, id);
    }
}
