using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>Runs a scriptblock as a named chain run; every chat inside becomes its child.</summary>
/// <remarks>
/// <para>
/// The Invoke-LlmChain cmdlet runs a scriptblock as a chain run, like a LangChain chain: it raises ChainStart with the
/// chain's -Name and inputs, runs the block, and raises ChainEnd with the block's output and the duration, or
/// ChainError when the block throws. While the block runs, the chain is the current run, so every Invoke-LlmChat and
/// Invoke-LlmChain inside it (also in functions it calls) becomes a child run: its events have the chain in their run
/// tree, and a handler can follow a multi-step job from its ChainStart to its ChainEnd.
/// </para>
/// <para>
/// The -Callback handlers reach the chain and every run inside it, whatever client those chats use. -Tag and -Metadata
/// are added to the chain's events and inherited by the runs inside. Registered callbacks (Register-LlmCallback without
/// -Client) and the engine events PsLlm.&lt;EventName&gt; see the chain's own events too.
/// </para>
/// <para>
/// The block's output is the command's output, written when the block has finished. With -AsEvents the command writes,
/// instead, every event of the chain and of the runs inside it, in order, as they happen: the chain's ChainStart, each
/// chat's ChainStart, Text, ChatModelStart, LlmNewToken (streamed chats), LlmEnd and ChainEnd, tool events, and the
/// chain's ChainEnd or ChainError.
/// </para>
/// <para>
/// Each pipeline input runs the block once, as its own chain run: the input is passed to the block as its first
/// argument ($args[0], or the first parameter of its param() block) and recorded in ChainStart's Inputs as "input".
/// </para>
/// <para>
/// A chat that fails inside the block does not fail the chain: it writes its error, and the block goes on unless it
/// stops (for example with -ErrorAction Stop on that chat). When the block throws, ChainError is raised with the
/// exception and the error goes on as a terminating error; a throw statement stops the calling script as it would
/// anywhere else.
/// </para>
/// </remarks>
/// <input type="System.Object">Any object, for -InputObject: one chain run per object.</input>
/// <output type="System.Management.Automation.PSObject">Without -AsEvents, the output of the scriptblock.</output>
/// <output type="PsLlm.LlmEvent">
/// With -AsEvents, every event of the chain and the runs inside it (derived types such as PsLlm.ChainStartEvent and
/// PsLlm.LlmEndEvent).
/// </output>
/// <notes>
/// <para>
/// Run tree: the chain is the parent of every chat inside; each chat is itself a chain run ("Invoke-LlmChat") with its
/// model calls and tool runs under it. So a ChainStart of Invoke-LlmChat has the outer chain's RunId as its
/// ParentRunId, and the LlmEnd under it has the chat's chain as its parent. Chains nest: an Invoke-LlmChain inside
/// another is its child.
/// </para>
/// <para>
/// Non-terminating errors written inside the block (a failed Invoke-LlmChat, Write-Error) are written as
/// Invoke-LlmChain's own errors, in order with its output, so -ErrorVariable and 2&gt; on Invoke-LlmChain capture them.
/// </para>
/// <para>
/// The block's output is collected and written when the block has finished, not while it runs; use -AsEvents or
/// -Callback to follow a chain live.
/// </para>
/// </notes>
/// <example title="two chats as one chain">
/// <code><![CDATA[
/// $summary = Invoke-LlmChain -Name summarize -ScriptBlock {
///     $facts = Invoke-LlmChat 'List five facts about owls.'
///     Invoke-LlmChat "Summarize in one sentence: $($facts.Text)"
/// }
/// $summary.Text
/// ]]></code>
/// <para>
/// Runs two chats as children of a chain run named "summarize". The block's output, the second ChatResponse, is the
/// command's output.
/// </para>
/// </example>
/// <example title="see the run tree">
/// <code><![CDATA[
/// Invoke-LlmChain summarize {
///     $facts = Invoke-LlmChat 'List five facts about owls.'
///     Invoke-LlmChat "Summarize: $($facts.Text)"
/// } -AsEvents | Format-Table
/// ]]></code>
/// <para>
/// Writes the events instead of the output: the chain's ChainStart, then for each chat ChainStart, Text,
/// ChatModelStart, LlmEnd and ChainEnd with the chain's RunId as the chat's ParentRunId, then the chain's ChainEnd with
/// the duration of the whole job.
/// </para>
/// </example>
/// <example title="callbacks, tags and metadata for every step">
/// <code><![CDATA[
/// $log = [System.Collections.Generic.List[string]]::new()
/// $null = Invoke-LlmChain nightly-report -Tag nightly -Metadata @{ job = 42 } -Callback @{
///     ChainStart = { $log.Add("start $($_.Name) [$($_.Tags -join ',')] job $($_.Metadata.job)") }
///     LlmEnd     = { $log.Add("llm $($_.Response.Usage)") }
/// } -ScriptBlock {
///     Invoke-LlmChat 'Summarize yesterday in one line.'
///     Invoke-LlmChat 'Suggest one improvement.'
/// }
/// $log
/// ]]></code>
/// <para>
/// The handlers fire for the chain and for both chats inside it; every event carries the tag "nightly" and the metadata
/// job = 42.
/// </para>
/// </example>
/// <example title="one chain per input">
/// <code><![CDATA[
/// 'French', 'German' | Invoke-LlmChain translate {
///     param($language)
///     (Invoke-LlmChat "Say good morning in $language. Answer with the greeting only.").Text
/// }
/// ]]></code>
/// <para>
/// Each piped string runs the block once, as its own chain run, with the string as the block's first argument and as
/// the chain's input.
/// </para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "LlmChain")]
[OutputType(typeof(PSObject))]
[OutputType(typeof(LlmEvent))]
public sealed class InvokeLlmChainCommand : PSCmdlet, IDisposable
{
    private CommandCallbacks? _callbacks;

    private const string RunWithErrors = "param($__block, $__arguments) & $__block @__arguments 2>&1";

    /// <summary>
    /// The chain's name: the Name property of its ChainStart, ChainEnd and ChainError events, and their Summary. Use it
    /// to tell chains apart in handlers and logs.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// The chain's work, usually one or more Invoke-LlmChat calls. Its output is the command's output (without
    /// -AsEvents) and ChainEnd's Outputs. It runs in a child scope of the caller, so it can read the caller's
    /// variables; assign with $script: or a reference type to change them.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    /// <summary>
    /// The input of the chain: passed to the block as its first argument and recorded in ChainStart's Inputs (key
    /// "input"). Each piped object runs the block once, as its own chain run.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>
    /// <para>
    /// Handlers for the chain and every run inside it (request scope): scriptblocks (called for every event, with the
    /// event as $_ and $args[0]), objects deriving from PsLlm.CallbackHandler, or a hashtable of event name =
    /// scriptblock such as @{ ChainStart = { ... }; LlmEnd = { ... } }. They run on the pipeline thread, in event
    /// order; their output is discarded.
    /// </para>
    /// <para>An invalid value is a terminating error before the block runs.</para>
    /// </summary>
    [Parameter]
    public object[]? Callback { get; set; }

    /// <summary>
    /// Tags for the chain run. They are in the Tags property of every event of the chain and of the runs inside it.
    /// </summary>
    [Parameter]
    [Alias("Tags")]
    public string[]? Tag { get; set; }

    /// <summary>
    /// Metadata for the chain run, as a hashtable. It is in the Metadata property of every event of the chain and of
    /// the runs inside it (which can add keys). It is not sent to any server.
    /// </summary>
    [Parameter]
    public Hashtable? Metadata { get; set; }

    /// <summary>
    /// <para>
    /// Writes every event object of the chain and of the runs inside it, in order, instead of the block's output:
    /// PsLlm.ChainStartEvent, PsLlm.ChainEndEvent, PsLlm.ChainErrorEvent and the events of the chats inside (all derive
    /// from PsLlm.LlmEvent). They are shown as a table of time, event name, run ids and a summary. The block's own
    /// output is discarded.
    /// </para>
    /// <para>
    /// Events of chats inside are written whether those chats are streamed or not; LlmNewToken events appear only for
    /// streamed chats.
    /// </para>
    /// </summary>
    [Parameter]
    public SwitchParameter AsEvents { get; set; }

    /// <summary>Runs the scriptblock as one chain run per input object.</summary>
    protected override void ProcessRecord()
    {
        IReadOnlyList<CallbackHandler> inheritable;
        try
        {
            _callbacks ??= new CommandCallbacks(this);
            inheritable = _callbacks.For(Callback);
            // Inheritable, so the events of every chat inside reach this command's output too.
            if (AsEvents) inheritable = inheritable.Append(PipelineWriter.Events(WriteObject, () => Stopping)).ToArray();
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, Callback));
            return;
        }
        var chain = new ChainRequest
        {
            Name = Name,
            Inputs = new Dictionary<string, object?> { ["input"] = InputObject is PSObject o ? o.BaseObject : InputObject },
            Callbacks = inheritable,
            LocalHandlers = RunHandlers.For(this, null, this),
            Tags = Tag ?? Array.Empty<string>(),
            Metadata = MetadataArgument.ToDictionary(Metadata),
        };
        // The block runs in its own scope with its errors merged into its output, so they can be
        // written as this command's errors (-ErrorVariable, 2>) in order with the output.
        var arguments = InputObject is null ? Array.Empty<object>() : new[] { InputObject };
        var warnings = new WarningErrorSink(this);
        Collection<PSObject> output;
        // The chain's own events (a console handler's headers) show as host text of this command.
        using (HostWriter.Through(this))
        {
            try
            {
                output = ChatEngine.RunChain(chain, warnings, () => ScriptBlock.Create(RunWithErrors).Invoke(ScriptBlock, arguments));
            }
            finally
            {
                warnings.Flush();
            }
        }
        foreach (var item in output)
        {
            if (item?.BaseObject is ErrorRecord error) WriteError(error);
            else if (!AsEvents) WriteObject(item);
        }
    }

    /// <summary>Waits for the async scriptblocks given with -Callback and writes what they wrote.</summary>
    protected override void EndProcessing() => _callbacks?.Finish();

    /// <summary>Ctrl+C: ends the wait for async callbacks.</summary>
    protected override void StopProcessing() => _callbacks?.Stop();

    /// <summary>Stops async callbacks still running (the command failed or was stopped).</summary>
    public void Dispose() => _callbacks?.Dispose();
}
