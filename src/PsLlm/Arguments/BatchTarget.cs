using System.Management.Automation;
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

    /// <summary>
    /// Runs <paramref name="act"/> on each batch asked for: a failure is that batch's error (its id
    /// the target) and the others go on; Ctrl+C (<paramref name="stop"/>) stops them all.
    /// </summary>
    public static void Each(PSCmdlet cmdlet, LlmBatch? batch, IEnumerable<string>? ids, LlmClient? client, Action<LlmClient, string> act, CancellationToken stop) =>
        Guarded(cmdlet, client, () =>
        {
            foreach (var (target, id) in From(batch, ids, client))
            {
                try
                {
                    act(target, id);
                }
                catch (LlmException error)
                {
                    cmdlet.WriteError(LlmErrorRecords.From(error, id));
                }
            }
        }, stop);

    /// <summary>Runs <paramref name="act"/>: Ctrl+C (<paramref name="stop"/>) stops the pipeline; a failure is an error about <paramref name="client"/>.</summary>
    public static void Guarded(PSCmdlet cmdlet, LlmClient? client, Action act, CancellationToken stop)
    {
        try
        {
            act();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (LlmException error)
        {
            // No client to ask (no key, a bad endpoint), or the list could not be read: said once.
            cmdlet.WriteError(LlmErrorRecords.From(error, client));
        }
    }
}
