using System.Collections;
using System.Management.Automation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Sends a prompt to a chat model and returns the answer, optionally streamed.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlmChat", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(ChatResponse), ParameterSetName = new[] { DefaultSet })]
[OutputType(typeof(ChatToken), typeof(ChatResponse), ParameterSetName = new[] { StreamSet })]
[OutputType(typeof(LlmEvent), ParameterSetName = new[] { EventsSet })]
public sealed class InvokeLlmChatCommand : PSCmdlet, IDisposable
{
    private const string DefaultSet = "Response";
    private const string StreamSet = "Stream";
    private const string EventsSet = "AsEvents";
    private ChatInvocation? _host;

    /// <summary>The user message. One chat runs per pipeline input object.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Prompt { get; set; } = string.Empty;

    /// <summary>A system message sent before the prompt.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>The client (endpoint, key, model) to use; default: New-LlmClient -Default, else the environment.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public LlmClient? Client { get; set; }

    /// <summary>Overrides the client's model.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double Temperature { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double TopP { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxTokens { get; set; }

    [Parameter]
    [ValidateCount(1, 4)]
    [ValidateNotNullOrEmpty]
    public string[]? Stop { get; set; }

    [Parameter]
    public long Seed { get; set; }

    /// <summary>Write PsLlm.ChatToken objects as they arrive.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
    public SwitchParameter Stream { get; set; }

    /// <summary>With -Stream, also write the complete ChatResponse after the tokens.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Write every callback event object, in order, instead of the answer.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EventsSet)]
    public SwitchParameter AsEvents { get; set; }

    /// <summary>Handlers for this run and every run under it: scriptblocks, CallbackHandler objects, or @{ EventName = {…} }.</summary>
    [Parameter]
    public object[]? Callback { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Tags")]
    public string[]? Tag { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Hashtable? Metadata { get; set; }

    protected override void BeginProcessing() => _host = new ChatInvocation(this);

    protected override void ProcessRecord()
    {
        var response = _host!.Run(new ChatParameters
        {
            Prompt = Prompt,
            System = System,
            Client = Client,
            Model = Model,
            Temperature = Bound(nameof(Temperature)) ? Temperature : null,
            TopP = Bound(nameof(TopP)) ? TopP : null,
            MaxTokens = Bound(nameof(MaxTokens)) ? MaxTokens : null,
            Stop = Stop,
            Seed = Bound(nameof(Seed)) ? Seed : null,
            Stream = Stream,
            AsEvents = AsEvents,
            Callback = Callback,
            Tag = Tag,
            Metadata = Metadata,
        });
        if (response is not null && (!Stream && !AsEvents || PassThru)) WriteObject(response);
    }

    protected override void StopProcessing() => _host?.Stop();

    private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    public void Dispose() => _host?.Dispose();
}
