using System.Management.Automation;
using System.Management.Automation.Runspaces;
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
/// With -Async, the scriptblock runs off the chat's thread instead, in a runspace of its own, so a slow callback (a
/// database, a web request, a sleep) never slows the answer: events wait in a queue and are handled one at a time, in
/// order, with the same RunId, ParentRunId, Tags and Metadata. It gets the event as $_ and $args[0], then the
/// -ArgumentList values. What it writes is kept for Receive-LlmCallback; Wait-LlmCallback waits until it has caught up.
/// -QueueCapacity and -Overflow say what happens when it falls too far behind, -AwaitEvent names events the chat waits
/// for (as LangChain awaits its async handlers), for at most -AwaitTimeout. With -RaiseError, its failure stops the
/// run at the next event of that run after the failure is known. A handler deriving from PsLlm.AsyncCallbackHandler
/// (C#) works the same way with -Handler.
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
/// The registration: Id, Name, EventName, Scope (Session or Client), Client, RaiseError, Async, AsyncHandler (the queue's
/// Pending, Processed, Dropped and Failed counts), Action and Handler.
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
/// <example title="a slow callback that does not slow the answer">
/// <code><![CDATA[
/// $audit = Join-Path $HOME 'psllm-audit.log'
/// $reg = Register-LlmCallback LlmEnd -Async -Name audit -ArgumentList $audit -Action {
///     param($e, $path)
///     Start-Sleep -Milliseconds 500    # a slow store
///     Add-Content -Path $path -Value ('{0:o} {1} {2}' -f $e.Timestamp, $e.Response.Model, $e.Response.Usage)
/// }
/// Invoke-LlmChat -Stream 'Name three rivers.' | Write-Host -NoNewline
/// Wait-LlmCallback -Name audit
/// Get-Content $audit
/// $reg | Unregister-LlmCallback
/// ]]></code>
/// <para>
/// The answer streams at full speed while the audit callback writes behind it, in its own runspace (it gets the log
/// path through -ArgumentList, as it cannot see $audit). Wait-LlmCallback waits until the line is written.
/// </para>
/// </example>
/// <example title="an async callback the chat waits for at its start and end">
/// <code><![CDATA[
/// $reg = Register-LlmCallback LlmStart, LlmEnd -Async -AwaitEvent LlmStart, LlmEnd -AwaitTimeout 5 -Action {
///     Start-Sleep -Milliseconds 300
///     Write-Host "$($_.EventName) handled"
/// }
/// Invoke-LlmChat 'Tell me a joke.' | Out-Null
/// Receive-LlmCallback -Id $reg.Id    # LlmStart handled, LlmEnd handled
/// $reg | Unregister-LlmCallback
/// ]]></code>
/// <para>
/// As LangChain awaits async handlers, the chat waits at LlmStart and LlmEnd until the callback has handled them (at
/// most 5 seconds each, then it goes on with a warning); other events would not wait.
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

    /// <summary>
    /// <para>
    /// Runs the -Action scriptblock off the chat's thread, in a runspace of its own (PsLlm imported, the current
    /// location), one event at a time in event order, so a slow callback never slows the answer. The scriptblock gets
    /// the event as $_ and as its first argument, then the -ArgumentList values; it cannot see the caller's variables.
    /// What it writes (output, errors, warnings, Write-Host) is kept for Receive-LlmCallback; failures are also
    /// reported as warnings when a chat ends.
    /// </para>
    /// <para>
    /// Events wait in a queue of -QueueCapacity; see -Overflow for a full queue and -AwaitEvent for events the chat
    /// waits for. Wait-LlmCallback waits until the queue is empty; Unregister-LlmCallback stops the runspace.
    /// </para>
    /// </summary>
    [Parameter(ParameterSetName = ActionSet)]
    public SwitchParameter Async { get; set; }

    /// <summary>
    /// Values handed to an -Async scriptblock after the event (as $args[1], $args[2], … or to its param block after the
    /// event): the way to give it state, since it runs in another runspace. Objects are shared, not copied, so a
    /// synchronized collection (for example [System.Collections.Concurrent.ConcurrentQueue[object]]::new()) can collect
    /// results.
    /// </summary>
    /// <value>None</value>
    [Parameter(ParameterSetName = ActionSet)]
    public object[]? ArgumentList { get; set; }

    /// <summary>
    /// How many events an async handler's queue holds before -Overflow applies. For -Async, or a -Handler deriving from
    /// PsLlm.AsyncCallbackHandler (whose QueueCapacity it sets).
    /// </summary>
    /// <value>1000</value>
    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>
    /// What happens when an async handler's queue is full: DropNewest drops the event and counts it (the chat never
    /// waits; the loss is reported as a warning when the chat ends); Block makes the chat wait for room, so nothing is
    /// lost but a slow handler slows the chat.
    /// </summary>
    /// <value>DropNewest</value>
    [Parameter]
    public AsyncOverflow Overflow { get; set; } = AsyncOverflow.DropNewest;

    /// <summary>
    /// Events at which the chat waits until the async handler has handled them (and every event before), as LangChain
    /// awaits async handlers, for at most -AwaitTimeout. LlmStart also covers ChatModelStart.
    /// </summary>
    /// <value>None: the chat never waits</value>
    [Parameter]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? AwaitEvent { get; set; }

    /// <summary>
    /// How long, in seconds, the chat waits at an awaited event; after that it goes on and a warning says which handler
    /// and event it did not wait for.
    /// </summary>
    /// <value>30</value>
    [Parameter]
    [ValidateRange(0.0, 86400.0)]
    public double AwaitTimeout { get; set; } = 30;

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

        LlmEventName[]? awaited = null;
        try
        {
            if (AwaitEvent is not null) awaited = (ChatEngine.ParseEventNames(AwaitEvent) ?? Enum.GetValues<LlmEventName>()).ToArray();
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, AwaitEvent));
            return;
        }
        var inner = ParameterSetName == ActionSet
            ? Async ? new ScriptBlockAsyncHandler(Action, ArgumentList, SessionState.Path.CurrentFileSystemLocation.ProviderPath) : new ScriptBlockCallbackHandler(Action)
            : Handler;
        if (inner is AsyncCallbackHandler async)
        {
            if (!Configure(async, awaited)) return;
            if (Runspace.DefaultRunspace is { } session) AsyncCallbackShutdown.Watch(session);
        }
        else if (AsyncOnly() is { } given)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-{given} applies to async callbacks: add -Async, or pass a handler deriving from PsLlm.AsyncCallbackHandler."),
                "LlmAsyncParameterWithoutAsync", ErrorCategory.InvalidArgument, given));
            return;
        }
        var shownNames = names is null ? new[] { "*" } : names.Select(n => n.ToString()).ToArray();
        var registration = ModuleState.Current.Add(id =>
        {
            var name = Name ?? (ParameterSetName == ActionSet ? $"Callback{id}" : Handler.Name);
            var filter = new EventFilterHandler(inner, names, name, RaiseError || (Handler?.RaiseError ?? false));
            if (inner is ScriptBlockAsyncHandler scripted)
            {
                // The async worker decides when a failure stops a run, so it carries the registration's name and RaiseError.
                scripted.Name = name;
                scripted.RaiseError = filter.RaiseError;
            }
            return new CallbackRegistration
            {
                Id = id,
                Name = name,
                EventName = shownNames,
                Handler = filter,
                Client = Client,
                RaiseError = filter.RaiseError,
                Action = ParameterSetName == ActionSet ? Action : Handler,
                AsyncHandler = inner as AsyncCallbackHandler,
            };
        });
        WriteObject(registration);
    }

    // Sets the queue and awaiting asked for; a compiled handler that already received events keeps its queue size.
    private bool Configure(AsyncCallbackHandler handler, LlmEventName[]? awaited)
    {
        var bound = MyInvocation.BoundParameters;
        try
        {
            if (bound.ContainsKey(nameof(QueueCapacity)) || handler is ScriptBlockAsyncHandler) handler.QueueCapacity = QueueCapacity;
        }
        catch (InvalidOperationException error)
        {
            WriteError(new ErrorRecord(error, "LlmAsyncQueueStarted", ErrorCategory.InvalidOperation, handler));
            return false;
        }
        if (bound.ContainsKey(nameof(Overflow)) || handler is ScriptBlockAsyncHandler) handler.Overflow = Overflow;
        if (awaited is not null) handler.AwaitEvents = awaited;
        if (bound.ContainsKey(nameof(AwaitTimeout)) || handler is ScriptBlockAsyncHandler) handler.AwaitTimeout = TimeSpan.FromSeconds(AwaitTimeout);
        if (RaiseError) handler.RaiseError = true;
        return true;
    }

    // The first async-only parameter given to a synchronous handler, if any.
    private string? AsyncOnly() =>
        new[] { nameof(ArgumentList), nameof(QueueCapacity), nameof(Overflow), nameof(AwaitEvent), nameof(AwaitTimeout) }
            .FirstOrDefault(MyInvocation.BoundParameters.ContainsKey);
}
