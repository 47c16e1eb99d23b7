using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Runs a scriptblock as a named chain run; every chat inside becomes its child.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlmChain")]
[OutputType(typeof(PSObject))]
[OutputType(typeof(LlmEvent))]
public sealed class InvokeLlmChainCommand : PSCmdlet
{
    private const string RunWithErrors = "param($__block, $__arguments) & $__block @__arguments 2>&1";

    /// <summary>The chain's name in events and logs.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The chain's work; its output is the command's output.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    /// <summary>Passed to the scriptblock as $args and recorded as the chain's inputs.</summary>
    [Parameter(ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>Handlers for the chain and every run inside it.</summary>
    [Parameter]
    public object[]? Callback { get; set; }

    [Parameter]
    [Alias("Tags")]
    public string[]? Tag { get; set; }

    [Parameter]
    public Hashtable? Metadata { get; set; }

    /// <summary>Write every event of the chain and the runs inside it, in order, instead of its output.</summary>
    [Parameter]
    public SwitchParameter AsEvents { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<CallbackHandler> inheritable;
        try
        {
            inheritable = CallbackArgument.ToHandlers(Callback);
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
        try
        {
            output = ChatEngine.RunChain(chain, warnings, () => ScriptBlock.Create(RunWithErrors).Invoke(ScriptBlock, arguments));
        }
        finally
        {
            warnings.Flush();
        }
        foreach (var item in output)
        {
            if (item?.BaseObject is ErrorRecord error) WriteError(error);
            else if (!AsEvents) WriteObject(item);
        }
    }
}
