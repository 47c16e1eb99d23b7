using System.Collections;
using System.Globalization;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Sends many prompts as one batch through the server's Batch API, answered within a day at a lower price.</summary>
/// <remarks>
/// <para>
/// Start-LlmBatch collects the piped prompts, writes each as the chat Invoke-LlmChat would send (model, system message,
/// sampling settings, attachments, -JsonSchema), uploads them as one file and creates a batch with OpenAI's Batch API
/// (also Azure OpenAI's, with a Global Batch deployment as -Model). It writes the batch (PsLlm.LlmBatch) at once; the
/// server answers within -CompletionWindow. Follow it with Get-LlmBatch or Wait-LlmBatch, take the answers with
/// Receive-LlmBatch, cancel it with Stop-LlmBatch.
/// </para>
/// <para>
/// Each item has an id (custom_id): the CustomId property of a piped object, else its position from 0. Receive-LlmBatch
/// matches the answers to their items by it; in this session, each answer also gets its input object back.
/// </para>
/// <para>
/// Every item is checked before anything is sent (an empty prompt, a missing attachment, a duplicate id); a batch
/// cannot stream, continue a session or run tools. A server without a Batch API fails with LlmBatchUnavailable.
/// </para>
/// </remarks>
/// <input type="System.String">A prompt; one item per string.</input>
/// <input type="System.Management.Automation.PSObject">Objects with Prompt, and optionally CustomId, Model, System and Attachment properties.</input>
/// <output type="PsLlm.LlmBatch">The batch as created: Id, Status (validating), Total, CompletionWindow, ExpiresAt.</output>
/// <notes>
/// <para>
/// Azure OpenAI differences: the batch's -Model must be a Global Batch (or Data Zone Batch) deployment, the request
/// lines name the chat path as /chat/completions (PsLlm writes it so for *.openai.azure.com endpoints), and the
/// completion window is 24h.
/// </para>
/// </notes>
/// <example title="a batch from a CSV file">
/// <setup><![CDATA[
/// "CustomId,Prompt`nT-1,The app crashes when I save.`nT-2,How do I export my data?" | Set-Content tickets.csv
/// ]]></setup>
/// <code><![CDATA[
/// $batch = Import-Csv tickets.csv | Start-LlmBatch -System 'Classify as bug, question or request.' -Model gpt-4o-mini
/// $batch | Wait-LlmBatch | Receive-LlmBatch | Select-Object CustomId, Text
/// ]]></code>
/// <para>Each row is an item with its own id; Wait-LlmBatch waits until the server has answered, Receive-LlmBatch writes the answers.</para>
/// </example>
/// <example title="ids of your own, settings and metadata">
/// <code><![CDATA[
/// $items = 1..3 | ForEach-Object { [pscustomobject]@{ CustomId = "square-$_"; Prompt = "What is $_ squared? Just the number." } }
/// $batch = $items | Start-LlmBatch -MaxTokens 10 -Temperature 0 -Metadata @{ job = 'squares' }
/// $batch.Metadata.job
/// ]]></code>
/// <para>Each answer will carry its item's CustomId (square-1, ...); the metadata stays with the batch on the server.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Start, "LlmBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(LlmBatch))]
public sealed class StartLlmBatchCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<BatchItem> _items = new();
    private readonly Dictionary<string, object?> _inputs = new(StringComparer.Ordinal);
    private LlmClient? _client;

    /// <summary>The prompt of one item. Strings bind by value, objects' Prompt by property name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Prompt { get; set; } = string.Empty;

    /// <summary>The item's id in the batch, unique; answers carry it back (CustomId). Piped objects' CustomId binds by name.</summary>
    /// <value>The item's position, from 0</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 64)]
    public string? CustomId { get; set; }

    /// <summary>A system message sent before each prompt.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>The model (for Azure OpenAI, a Global Batch deployment). Piped objects' Model binds by name.</summary>
    /// <value>The client's Model</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>The client whose server runs the batch; every item goes to the same one.</summary>
    /// <value>New-LlmClient -Default, else a client from OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL</value>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>Files and image URLs sent with each item's prompt, as for Invoke-LlmChat -Attachment.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Attachment { get; set; }

    /// <summary>The sampling temperature, from 0 to 2.</summary>
    /// <value>None (the server's default)</value>
    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double Temperature { get; set; }

    /// <summary>The largest number of tokens each answer may have.</summary>
    /// <value>None (the server's default)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxTokens { get; set; }

    /// <summary>Structured output for every item, as Invoke-LlmChat -JsonSchema; the answers' Object is then parsed.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? JsonSchema { get; set; }

    /// <summary>The name of the -JsonSchema schema.</summary>
    /// <value>response</value>
    [Parameter]
    [ValidatePattern("^[a-zA-Z0-9_-]{1,64}$")]
    public string SchemaName { get; set; } = "response";

    /// <summary>How long the server may take: 24h (the only window OpenAI and Azure OpenAI offer).</summary>
    /// <value>24h</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string CompletionWindow { get; set; } = "24h";

    /// <summary>Up to 16 keys and values kept with the batch on the server (its Metadata), such as a job name.</summary>
    [Parameter]
    public Hashtable? Metadata { get; set; }

    /// <summary>The object piped in, given back with its answer by Receive-LlmBatch in this session.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Collects and checks one item.</summary>
    protected override void ProcessRecord()
    {
        try
        {
            var client = ClientResolver.Resolve(Client);
            _client ??= client;
            var id = CustomId ?? _items.Count.ToString(CultureInfo.InvariantCulture);
            var request = ChatRequestFactory.Build(this, new ChatParameters
            {
                Prompt = Prompt,
                Attachment = Attachment,
                System = System,
                Model = Model,
                Temperature = MyInvocation.BoundParameters.ContainsKey(nameof(Temperature)) ? Temperature : null,
                MaxTokens = MyInvocation.BoundParameters.ContainsKey(nameof(MaxTokens)) ? MaxTokens : null,
                JsonSchema = JsonSchema,
                SchemaName = SchemaName,
            }, Array.Empty<CallbackHandler>());
            ChatEngine.Plan(client, request); // checks the item now, as a chat would be checked
            _items.Add(new BatchItem(id, request));
            _inputs[id] = InputObject is { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : InputObject;
        }
        catch (LlmException error)
        {
            // One bad item spoils the batch: nothing is sent.
            ThrowTerminatingError(LlmErrorRecords.From(error, InputObject ?? (object)Prompt));
        }
    }

    /// <summary>Uploads the items and creates the batch.</summary>
    protected override void EndProcessing()
    {
        if (_client is null) return;
        if (!ShouldProcess($"{_items.Count} chat{(_items.Count == 1 ? string.Empty : "s")} on {_client.Endpoint.Host}", "Start batch")) return;
        try
        {
            var metadata = Metadata?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty, StringComparer.Ordinal);
            var batch = BatchEngine.Start(_client, _items, CompletionWindow, metadata, _stop.Token);
            ModuleState.Current.BatchInputs[batch.Id] = new Dictionary<string, object?>(_inputs, StringComparer.Ordinal);
            WriteVerbose($"Batch {batch.Id}: {_items.Count} chats, {batch.Status}.");
            WriteObject(batch);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, _client.Endpoint));
        }
    }

    /// <summary>Ctrl+C stops the upload.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Releases the Ctrl+C token.</summary>
    public void Dispose() => _stop.Dispose();
}
