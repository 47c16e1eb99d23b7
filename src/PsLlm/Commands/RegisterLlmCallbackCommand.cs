using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Registers a scriptblock or handler object for PsLlm callback events.</summary>
/// <remarks>
/// <para>
/// The Register-LlmCallback cmdlet registers a callback handler, as in LangChain, that PsLlm calls for the callback
/// events of chats: ChainStart, ChainEnd, ChainError, ChatModelStart, LlmStart, LlmNewToken, LlmEnd, LlmError, Text and
/// Retry, and for chats with tools AgentAction, ToolStart, ToolEnd, ToolError and AgentFinish. It returns a
/// PsLlm.CallbackRegistration (Id, Name, EventName, Scope, Client, RaiseError); Get-LlmCallback lists the registrations
/// and Unregister-LlmCallback removes them.
/// </para>
/// <para>
/// With -Action, the scriptblock runs for the events named by -EventName (names, or * for all). It gets the event
/// object as $_ and as $args[0]. It runs synchronously on the pipeline thread of the Invoke-LlmChat call, in event
/// order, while the answer is still streaming. Its output is discarded; use Write-Host, or add to a collection, to
/// surface data.
/// </para>
/// <para>
/// With -Handler, the object must derive from PsLlm.CallbackHandler and override the methods for the events it wants:
/// OnChainStart, OnChainEnd, OnChainError, OnChatModelStart, OnLlmStart, OnLlmNewToken, OnLlmEnd, OnLlmError, OnText,
/// OnRetry, OnAgentAction, OnToolStart, OnToolEnd, OnToolError and OnAgentFinish; the others do nothing. A PowerShell
/// class can derive from it, for example: class Logger : PsLlm.CallbackHandler { [void]
/// OnLlmNewToken([PsLlm.LlmNewTokenEvent]$e) { ... } }. The default OnChatModelStart calls OnLlmStart with the messages
/// rendered as text, as LangChain does for handlers without on_chat_model_start. Without -EventName the handler gets
/// all events.
/// </para>
/// <para>
/// By default the callback is session-scoped: it fires for every chat in this PowerShell session (runspace). With
/// -Client it fires only for chats of that client. Callbacks for a single chat are given with Invoke-LlmChat -Callback
/// instead, and client-wide ones can also be given with New-LlmClient -Callback.
/// </para>
/// <para>
/// A callback that throws is reported as a warning ("Callback handler '&lt;name&gt;' failed on &lt;event&gt; and was
/// skipped") and the chat goes on. With -RaiseError (or a handler whose RaiseError property is $true) it stops the chat
/// instead: Invoke-LlmChat writes an error with the id LlmCallbackFailed (category OperationStopped) that keeps the
/// partial text.
/// </para>
/// <para>
/// Event names are checked: an unknown name is a terminating error with the id LlmUnknownEventName whose message lists
/// the valid names. Names are not case-sensitive, the engine-event spelling (PsLlm.LlmEnd) is accepted, and -EventName
/// has tab completion.
/// </para>
/// </remarks>
/// <input type="PsLlm.CallbackHandler">A handler object can be piped to Register-LlmCallback.</input>
/// <output type="PsLlm.CallbackRegistration">
/// The registration: Id, Name, EventName, Scope (Session or Client), Client, RaiseError, Action and Handler.
/// </output>
/// <notes>
/// <para>
/// Registrations belong to the current runspace. A chat uses the registrations that exist when it starts; registering
/// or unregistering during a chat takes effect with the next chat.
/// </para>
/// <para>
/// Scopes: a session callback fires for every chat in the session, including chats started from inside other chats; a
/// client callback only for chats of its client. Runs nested under a chat inherit only its request callbacks
/// (Invoke-LlmChat -Callback), not the outer chat's client callbacks.
/// </para>
/// <para>
/// Every event has EventName, RunId, ParentRunId, Tags, Metadata, Timestamp and Summary; see about_PsLlm for the
/// properties of each event.
/// </para>
/// <para>
/// Callbacks are one of four delivery paths. The others are the .NET events of PsLlm.LlmClient (Register-ObjectEvent),
/// the engine events PsLlm.&lt;EventName&gt; (Register-EngineEvent) and pipeline objects (Invoke-LlmChat -Stream or
/// -AsEvents).
/// </para>
/// </notes>
/// <example title="report token usage after every chat">
/// <code><![CDATA[
/// Register-LlmCallback -EventName LlmEnd -Name usage -Action {
///     $r = $_.Response
///     $ms = $r.Duration.TotalMilliseconds
///     Write-Host ('{0}: {1} in {2:N0} ms' -f $r.Model, $r.Usage, $ms)
/// }
/// Invoke-LlmChat 'What is 2 + 2?'
/// ]]></code>
/// <para>
/// Registers a session-wide callback for LlmEnd. After every chat in this session it prints the model, the token usage
/// ("12 in / 3 out") and the duration. The event's Response property is the complete PsLlm.ChatResponse, also for
/// streamed chats.
/// </para>
/// </example>
/// <example title="a PowerShell class deriving from PsLlm.CallbackHandler">
/// <code><![CDATA[
/// class TokenCounter : PsLlm.CallbackHandler {
///     [int] $Tokens
///     [void] OnLlmNewToken([PsLlm.LlmNewTokenEvent] $e) { $this.Tokens++ }
///     [void] OnLlmEnd([PsLlm.LlmEndEvent] $e) { Write-Host "`n[$($this.Tokens) tokens]" }
/// }
/// $counter = [TokenCounter]::new()
/// $reg = Register-LlmCallback -Handler $counter
/// Invoke-LlmChat -Stream 'List three shells.' | Write-Host -NoNewline
/// $reg | Unregister-LlmCallback
/// ]]></code>
/// <para>
/// Defines a handler class that counts streamed tokens and reports the count at the end of each chat. Methods that are
/// not overridden do nothing. The registration is named after the class (TokenCounter).
/// </para>
/// </example>
/// <example title="callbacks for one client only">
/// <code><![CDATA[
/// $local = New-LlmClient -Endpoint http://localhost:1234/v1 -Model qwen2.5-7b-instruct
/// Register-LlmCallback -EventName ChatModelStart, Retry, LlmError -Client $local -Action {
///     $e = $_
///     switch ($e.EventName) {
///         'ChatModelStart' { Write-Host "-> $($e.Model) at $($e.Endpoint)" }
///         'Retry'          { Write-Host "retry $($e.Attempt) in $($e.Delay): $($e.Reason)" }
///         'LlmError'       { Write-Host "failed: $($e.Error.Message)" }
///     }
/// }
/// ]]></code>
/// <para>
/// Registers one scriptblock for three events, for chats of an LM Studio client only. The event's EventName tells which
/// event is being handled; it is copied to $e first because inside a switch statement $_ is the value being switched
/// on.
/// </para>
/// </example>
/// <example title="stop a chat from a callback">
/// <code><![CDATA[
/// Register-LlmCallback -EventName LlmNewToken -RaiseError -Name guard -Action {
///     if ($_.Token -match 'password') { throw 'The answer mentions a password.' }
/// }
/// Invoke-LlmChat -Stream 'Tell me about secrets.' -ErrorVariable err | Write-Host -NoNewline
/// $err[0].FullyQualifiedErrorId    # LlmCallbackFailed,PsLlm.Commands.InvokeLlmChatCommand
/// $err[0].Exception.PartialText
/// ]]></code>
/// <para>
/// With -RaiseError a throwing callback stops the chat. Invoke-LlmChat writes an LlmCallbackFailed error; the text
/// streamed before the stop is in PartialText. Without -RaiseError the failure would only be a warning.
/// </para>
/// </example>
/// <example title="trace every event to a file">
/// <code><![CDATA[
/// Register-LlmCallback -EventName * -Name trace -Action {
///     $line = '{0:o} {1} {2}' -f $_.Timestamp, $_.RunId, $_
///     Add-Content -Path ~/psllm-trace.log -Value $line
/// }
/// ]]></code>
/// <para>
/// Writes one line per event of every chat: the time, the run id and the event's string form (its name and summary).
/// Summaries never contain secrets.
/// </para>
/// </example>
[Cmdlet(VerbsLifecycle.Register, "LlmCallback", DefaultParameterSetName = ActionSet)]
[OutputType(typeof(CallbackRegistration))]
public sealed class RegisterLlmCallbackCommand : PSCmdlet
{
    private const string ActionSet = "Action";
    private const string HandlerSet = "Handler";

    /// <summary>
    /// <para>
    /// The events to receive: ChainStart, ChainEnd, ChainError, ChatModelStart, LlmStart, LlmNewToken, LlmEnd,
    /// LlmError, Text, Retry, and AgentAction, ToolStart, ToolEnd, ToolError and AgentFinish (raised by chats with
    /// tools, Invoke-LlmChat -Tool), or * for all.
    /// </para>
    /// <para>
    /// LlmNewToken is raised only for streamed chats (Invoke-LlmChat -Stream or -AsEvents). Naming LlmStart without
    /// ChatModelStart gets a PsLlm.LlmStartEvent (the messages as "role: content" text in Prompts) where a chat model
    /// starts.
    /// </para>
    /// <para>
    /// Required, at position 0, with -Action. Optional and named with -Handler, where it defaults to all events.
    /// </para>
    /// </summary>
    /// <value>None (with -Handler: all events)</value>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ActionSet)]
    [Parameter(ParameterSetName = HandlerSet)]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] EventName { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The scriptblock to run for each event. The event is $_ and $args[0]; its EventName property tells which event it
    /// is. It runs on the chat's pipeline thread, in event order; its output is discarded.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ActionSet)]
    public ScriptBlock Action { get; set; } = null!;

    /// <summary>
    /// An object deriving from PsLlm.CallbackHandler, such as an instance of a PowerShell class that derives from it.
    /// Its overridden On* methods are called for the events. Its Name property (by default the type name) becomes the
    /// registration's name unless -Name is given, and its RaiseError property works like -RaiseError.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = HandlerSet, ValueFromPipeline = true)]
    public CallbackHandler Handler { get; set; } = null!;

    /// <summary>Fire only for chats of this client (client scope). The registration's Scope is then "Client".</summary>
    /// <value>None (every chat in the session)</value>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>
    /// An exception thrown by the callback stops the chat, which fails with the error id LlmCallbackFailed. Without it
    /// the exception is reported as a warning and the chat goes on.
    /// </summary>
    [Parameter]
    public SwitchParameter RaiseError { get; set; }

    /// <summary>A name for the registration, used by Get-LlmCallback, Unregister-LlmCallback and in warnings.</summary>
    /// <value>Callback&lt;Id&gt; for -Action; the handler's Name for -Handler</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Registers each handler piped in, or the -Action scriptblock.</summary>
    protected override void ProcessRecord()
    {
        IReadOnlyList<LlmEventName>? names;
        try
        {
            names = EventName.Length == 0 ? null : ChatEngine.ParseEventNames(EventName);
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, EventName));
            return;
        }

        var inner = ParameterSetName == ActionSet ? new ScriptBlockCallbackHandler(Action) : Handler;
        var shownNames = names is null ? new[] { "*" } : names.Select(n => n.ToString()).ToArray();
        var registration = ModuleState.Current.Add(id =>
        {
            var name = Name ?? (ParameterSetName == ActionSet ? $"Callback{id}" : Handler.Name);
            var filter = new EventFilterHandler(inner, names, name, RaiseError || (Handler?.RaiseError ?? false));
            return new CallbackRegistration
            {
                Id = id,
                Name = name,
                EventName = shownNames,
                Handler = filter,
                Client = Client,
                RaiseError = filter.RaiseError,
                Action = ParameterSetName == ActionSet ? Action : Handler,
            };
        });
        WriteObject(registration);
    }
}
