using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Sends a prompt to a chat model and returns the answer, optionally streamed.</para>
/// </summary>
// ShouldProcess gates approval-required tools only, and ConfirmImpact High makes it ask before
// each of their calls by default (-Confirm:$false runs them without asking; -WhatIf never runs
// them and tells the model "not executed"). The chat itself is sent either way.
[Cmdlet(VerbsLifecycle.Invoke, "LlmChat", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ChatResponse), typeof(PSObject), ParameterSetName = new[] { DefaultSet })]
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

    /// <summary>
    /// Overrides the client's model. Not bound from piped objects: a piped ChatResponse's Model is
    /// the name the server reported (for Azure, not the deployment), which must not redirect the chat.
    /// </summary>
    [Parameter]
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

    /// <summary>With -Stream, also write the model's reasoning tokens (ChatToken.Kind Reasoning), before the answer's.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter IncludeReasoning { get; set; }

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

    /// <summary>Continue this conversation (a ChatResponse piped in carries its session).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ChatSession? Session { get; set; }

    /// <summary>Tools the model may call (New-LlmTool); only these can run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public LlmTool[]? Tool { get; set; }

    /// <summary>auto (default), none, required, or the name of one tool.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ToolChoiceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ToolChoice { get; set; }

    /// <summary>How many rounds of tool calls are allowed before the chat fails (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxToolRounds { get; set; } = 8;

    /// <summary>Structured output: the answer must match this JSON schema (JSON text or a hashtable).</summary>
    [Parameter]
    [ValidateNotNull]
    public object? JsonSchema { get; set; }

    /// <summary>The schema's name as the model sees it (default "response").</summary>
    [Parameter]
    [ValidatePattern("^[a-zA-Z0-9_-]{1,64}$")]
    public string SchemaName { get; set; } = "response";

    /// <summary>Json: JSON mode (any JSON object). Text: the default.</summary>
    [Parameter]
    [ValidateSet("Text", "Json")]
    public string? ResponseFormat { get; set; }

    /// <summary>Write the answer parsed from JSON (a PSCustomObject) instead of the response.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SwitchParameter AsObject { get; set; }

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
            IncludeReasoning = IncludeReasoning,
            AsEvents = AsEvents,
            Callback = Callback,
            Tag = Tag,
            Metadata = Metadata,
            Session = Session,
            Tool = Tool,
            ToolChoice = ToolChoice,
            MaxToolRounds = MaxToolRounds,
            JsonSchema = JsonSchema,
            SchemaName = SchemaName,
            JsonMode = string.Equals(ResponseFormat, "Json", StringComparison.OrdinalIgnoreCase),
        });
        if (response is null) return;
        if (AsObject) WriteObject(response.Object, enumerateCollection: false);
        else if (!Stream && !AsEvents || PassThru) WriteObject(response);
    }

    protected override void StopProcessing() => _host?.Stop();

    private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    public void Dispose() => _host?.Dispose();
}
