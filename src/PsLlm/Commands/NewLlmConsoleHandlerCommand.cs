using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.Engine;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Creates a handler that writes streamed tokens to the console as they arrive, with optional run headers, tool calls and usage.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmConsoleHandler")]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmConsoleHandlerCommand : PSCmdlet
{
    /// <summary>Do not write the tokens (only headers, tool calls and usage).</summary>
    [Parameter]
    public SwitchParameter NoTokens { get; set; }

    /// <summary>Write a line when a chain or model run starts, ends, retries or fails.</summary>
    [Parameter]
    public SwitchParameter ShowRunHeaders { get; set; }

    /// <summary>Write token usage, finish reason and timings after each answer.</summary>
    [Parameter]
    public SwitchParameter ShowUsage { get; set; }

    /// <summary>Write each tool call with its arguments, and its result or error.</summary>
    [Parameter]
    public SwitchParameter ShowToolCalls { get; set; }

    /// <summary>No colours. Colours are also left out when output is redirected, NO_COLOR is set or $PSStyle.OutputRendering is PlainText.</summary>
    [Parameter]
    public SwitchParameter NoColor { get; set; }

    protected override void ProcessRecord()
    {
        WriteObject(BuiltInHandlers.Console(new HostConsoleSink(Host.UI),
            showTokens: !NoTokens,
            showRunHeaders: ShowRunHeaders,
            showUsage: ShowUsage,
            showToolCalls: ShowToolCalls,
            useColor: !NoColor && HostConsoleSink.ColorWanted(this)));
    }
}
