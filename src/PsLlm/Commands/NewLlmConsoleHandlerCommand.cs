using System.Management.Automation;
using PsLlm.Delivery;
using PsLlm.Rendering;
using PsLlm.Engine;

namespace PsLlm.Commands;

/// <summary>
/// Creates a handler that writes streamed tokens to the console as they arrive, with optional run headers, tool calls
/// and usage.
/// </summary>
/// <remarks>
/// <para>
/// The New-LlmConsoleHandler cmdlet creates a PsLlm.Engine.Observability.ConsoleHandler, a PsLlm.CallbackHandler
/// modelled on LangChain's StreamingStdOutCallbackHandler. Each token of a streamed chat is written to the host the
/// moment it arrives; optionally a line when a chain or model run starts, ends, retries or fails (-ShowRunHeaders),
/// each tool call with its result (-ShowToolCalls), and the usage, finish reason and timings of each answer
/// (-ShowUsage). Only streamed chats (Invoke-LlmChat -Stream) have tokens.
/// </para>
/// <para>
/// The handler writes to the host (like Write-Host, but not to the information stream), never to the pipeline, on the
/// chat's thread, so the text appears live and in order. Register it with Register-LlmCallback -Handler, pass it to one
/// chat with Invoke-LlmChat -Callback, or give it to a client with New-LlmClient -Callback.
/// </para>
/// <para>
/// Headers, tools and usage are coloured; tokens keep the host's colours. Colours are left out when output is
/// redirected, when the NO_COLOR environment variable is set, when $PSStyle.OutputRendering is PlainText, or with
/// -NoColor (decided when the handler is created).
/// </para>
/// </remarks>
/// <input type="None">This cmdlet takes no pipeline input.</input>
/// <output type="PsLlm.CallbackHandler">
/// A PsLlm.Engine.Observability.ConsoleHandler with the properties ShowTokens, ShowRunHeaders, ShowUsage, ShowToolCalls
/// and UseColor.
/// </output>
/// <notes>
/// The handler has no queue: host writes are quick and tokens must appear live. A chat without -Stream shows only
/// headers and usage.
/// </notes>
/// <example title="show every streamed answer in this session">
/// <code><![CDATA[
/// Register-LlmCallback -Handler (New-LlmConsoleHandler -ShowUsage) -Name console
/// $null = Invoke-LlmChat -Stream 'Tell me a short story.'
/// ]]></code>
/// <para>
/// Every streamed chat in the session now prints its tokens live and a usage line at the end, while the pipeline output
/// is discarded.
/// </para>
/// </example>
/// <example title="trace one agent run">
/// <code><![CDATA[
/// $add = New-LlmTool -Name add -Description 'Adds two numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
/// $r = Invoke-LlmChat 'What is 2+3?' -Tool $add -Stream -PassThru -Callback (New-LlmConsoleHandler -ShowRunHeaders -ShowToolCalls) | Select-Object -Last 1
/// ]]></code>
/// <para>
/// Shows the chain and model runs, the tool call and its result, and the answer as it streams; $r is the complete
/// response.
/// </para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmConsoleHandler")]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmConsoleHandlerCommand : PSCmdlet
{
    /// <summary>Do not write the streamed tokens; only what the other switches ask for.</summary>
    [Parameter]
    public SwitchParameter NoTokens { get; set; }

    /// <summary>
    /// Write a line when a chain run starts ("&gt; Entering chain Invoke-LlmChat") and ends (with its duration), when a
    /// model run starts ("&gt; Chat model gpt-4o-mini (2 messages)"), when a request is retried, and when a run fails.
    /// </summary>
    [Parameter]
    public SwitchParameter ShowRunHeaders { get; set; }

    /// <summary>
    /// After each answer, write the model, token usage, finish reason, duration and time to first token, e.g.
    /// "[gpt-4o-mini: 12 in / 30 out, stop, 1.20 s, first token 0.31 s]".
    /// </summary>
    [Parameter]
    public SwitchParameter ShowUsage { get; set; }

    /// <summary>
    /// Write each tool call the model makes with its arguments, the tool's result (clipped to 200 characters) or error,
    /// and the final answer's round count.
    /// </summary>
    [Parameter]
    public SwitchParameter ShowToolCalls { get; set; }

    /// <summary>
    /// Write without colours. Colours are also left out when output is redirected, NO_COLOR is set or
    /// $PSStyle.OutputRendering is PlainText.
    /// </summary>
    [Parameter]
    public SwitchParameter NoColor { get; set; }

    /// <summary>A handler writing to this host.</summary>
    protected override void ProcessRecord()
    {
        WriteObject(BuiltInHandlers.Console(new HostConsoleSink(Host.UI),
            showTokens: !NoTokens,
            showRunHeaders: ShowRunHeaders,
            showUsage: ShowUsage,
            showToolCalls: ShowToolCalls,
            useColor: !NoColor && TerminalStyle.ColorWanted(this)));
    }
}
