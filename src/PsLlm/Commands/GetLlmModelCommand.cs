using System.Management.Automation;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Lists the models a client's server offers.</summary>
/// <remarks>
/// <para>
/// Get-LlmModel asks the server of the client (GET /models under its endpoint, with the client's key, headers and
/// proxy) which models it serves, and writes one PsLlm.LlmModel per model, sorted by id. Servers say different
/// amounts: the id always, and where they know it the display name, the owner, when it was created and the context
/// length.
/// </para>
/// <para>
/// The list is kept for the rest of the session, per endpoint; -Refresh asks again. Tab completion of -Model on every
/// PsLlm cmdlet uses the same list (asked for at most two seconds), falling back to the models seen in the SQLite log
/// when the server cannot say.
/// </para>
/// </remarks>
/// <input type="PsLlm.LlmClient">A client piped in, or objects with a Client property: lists the models of each.</input>
/// <output type="PsLlm.LlmModel">One object per model: Id, DisplayName, OwnedBy, Created, ContextLength, Endpoint.</output>
/// <notes>
/// <para>
/// A server without a models list (some older llama.cpp builds, Azure OpenAI deployments behind a proxy) fails with
/// LlmModelListUnavailable (ObjectNotFound); a wrong key with LlmAuthenticationFailed. Other failures have the same
/// error ids as Invoke-LlmChat. Nothing is billed: listing models costs no tokens.
/// </para>
/// </notes>
/// <example title="the models of the default client">
/// <code><![CDATA[
/// Get-LlmModel
/// ]]></code>
/// <para>Lists the models of the default client's server (New-LlmClient -Default, else OPENAI_BASE_URL or OpenAI).</para>
/// </example>
/// <example title="what a local server has">
/// <code><![CDATA[
/// $ollama = New-LlmClient -Endpoint http://localhost:11434/v1
/// Get-LlmModel -Client $ollama | Select-Object -ExpandProperty Id
/// ]]></code>
/// <para>The names to give as -Model for chats on that server.</para>
/// </example>
/// <example title="choose a model, then chat with it">
/// <code><![CDATA[
/// $newest = Get-LlmModel | Sort-Object Created -Descending | Select-Object -First 1
/// Invoke-LlmChat 'Hello' -Model $newest.Id
/// ]]></code>
/// <para>Chats with the newest model the server lists (Where-Object Id -like '*mini*' would pick by name instead).</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "LlmModel")]
[OutputType(typeof(LlmModel))]
public sealed class GetLlmModelCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The client whose server to ask.</summary>
    /// <value>New-LlmClient -Default, else a client from OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL</value>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LlmClient? Client { get; set; }

    /// <summary>Ask the server again instead of using the list kept from earlier in the session.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    /// <summary>Asks the server of each client piped in (or of the default client).</summary>
    protected override void ProcessRecord()
    {
        try
        {
            var client = ClientResolver.Resolve(Client);
            foreach (var model in ModuleState.Current.Models.Get(client, Refresh, _stop.Token).OrderBy(m => m.Id, StringComparer.OrdinalIgnoreCase))
                WriteObject(model);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (LlmException error)
        {
            WriteError(LlmErrorRecords.From(error, Client));
        }
    }

    /// <summary>Ctrl+C: called on another thread, so it only cancels the request.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
