using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// Creates a handler that records chats, chains and tool calls as OpenTelemetry spans and metrics and exports them over
/// OTLP.
/// </summary>
/// <remarks>
/// <para>
/// The New-LlmOtelHandler cmdlet creates a callback handler (a PsLlm.Engine.Observability.Telemetry.GenAiSpanHandler, a
/// PsLlm.CallbackHandler) that turns PsLlm runs into OpenTelemetry telemetry by the GenAI semantic conventions, version
/// 1.41.1. The run tree becomes the span tree: a chain run (each Invoke-LlmChat, each Invoke-LlmChain) is an INTERNAL
/// span "invoke_workflow &lt;chain name&gt;"; a model call is a CLIENT span "chat &lt;model&gt;" with
/// gen_ai.operation.name, gen_ai.provider.name (openai, or azure.ai.openai for Azure OpenAI), gen_ai.request.model,
/// temperature, top_p, max_tokens, seed, stop_sequences and stream, gen_ai.response.id, model and finish_reasons,
/// gen_ai.usage.input_tokens and output_tokens (and cached and reasoning tokens when reported), server.address,
/// server.port and, when it fails, error.type; a tool run is an INTERNAL span "execute_tool &lt;name&gt;" with
/// gen_ai.tool.name and gen_ai.tool.call.id. Every span carries psllm.run.id, the run's RunId in events and in
/// Get-LlmLog; retries are span events named psllm.retry.
/// </para>
/// <para>
/// Each model call also records the metrics gen_ai.client.token.usage (input and output tokens),
/// gen_ai.client.operation.duration (seconds, with error.type when it failed) and, for streamed chats,
/// gen_ai.client.operation.time_to_first_chunk.
/// </para>
/// <para>
/// Prompts, answers, tool arguments and tool results are recorded only with -CaptureContent, or when the environment
/// variable OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is true; -CaptureContent:$false overrides the variable.
/// Without them the spans carry ids, models, usage, timings and errors, never content.
/// </para>
/// <para>
/// By default the handler exports over OTLP (http/protobuf, or gRPC with -Protocol Grpc) through the OpenTelemetry
/// SDK's batch exporters, on background threads, so a slow or absent collector never slows a chat. What is queued is
/// exported when the process exits (waiting at most 5 seconds for the collector), or at once with $handler.Flush(). The
/// endpoint, protocol and service name default to the standard OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL
/// and OTEL_SERVICE_NAME variables.
/// </para>
/// <para>
/// With -NoExport the handler exports nothing: the spans and metrics go to the ActivitySource and Meter named PsLlm,
/// for whatever OpenTelemetry SDK, ActivityListener or MeterListener is configured in the process. On pwsh 7.6 and
/// later System.Diagnostics.DiagnosticSource is shared with the platform, so any listener in the process sees them, and
/// the HTTP request to the model carries the chat span's trace context (traceparent). On pwsh 7.4 and 7.5 the engine
/// loads its own copy: only the handler's own export sees the spans, so -NoExport records nothing there.
/// </para>
/// <para>
/// Register the handler like any other: Register-LlmCallback -Handler for every chat of the session, New-LlmClient
/// -Callback for one client, or Invoke-LlmChat -Callback or Invoke-LlmChain -Callback for one request and every run
/// under it.
/// </para>
/// </remarks>
/// <input type="None">This cmdlet does not take pipeline input.</input>
/// <output type="PsLlm.CallbackHandler">
/// A PsLlm.Engine.Observability.Telemetry.GenAiSpanHandler with the properties Name (OpenTelemetry), CaptureContent,
/// Exporting, Endpoint, Protocol and ServiceName, and the methods Flush() and Flush([timespan]) (export what is queued
/// now; False when the collector did not answer in time, 5 seconds by default) and Dispose() (flush and shut the
/// exporters down; later spans are not exported).
/// </output>
/// <notes>
/// <para>
/// A chat with tools has one chat span per model call, each with that call's own usage, so adding up the spans' tokens
/// counts every token once.
/// </para>
/// <para>
/// One run gets one span, even when several OpenTelemetry handlers see it (one registered for the session, another
/// given with -Callback); every exporter and listener receives that span.
/// </para>
/// <para>
/// Spans are created only while some listener (this handler's exporter, an OpenTelemetry SDK, an ActivityListener)
/// listens to PsLlm; otherwise the handler costs almost nothing.
/// </para>
/// </notes>
/// <example title="every chat of the session, to a local collector">
/// <code><![CDATA[
/// Register-LlmCallback -Handler (New-LlmOtelHandler) -Name otel
/// Invoke-LlmChat 'Hello'
/// ]]></code>
/// <para>
/// Exports a span tree (invoke_workflow Invoke-LlmChat with chat gpt-4o-mini under it) and the token and duration
/// metrics of every chat in the session to the collector at http://localhost:4318 (or OTEL_EXPORTER_OTLP_ENDPOINT), at
/// the latest when PowerShell exits.
/// </para>
/// </example>
/// <example title="gRPC with an API key, for one request">
/// <code><![CDATA[
/// $h = New-LlmOtelHandler -Endpoint http://collector:4317 -Protocol Grpc -Header @{ authorization = "Bearer $token" }
/// Invoke-LlmChat 'Hello' -Callback $h
/// $h.Flush()
/// ]]></code>
/// <para>
/// Records this chat only, exports it over gRPC with an authorization header, and sends it now instead of at exit.
/// Flush returns True when the collector took everything in time.
/// </para>
/// </example>
/// <example title="in-process listeners only, with content">
/// <code><![CDATA[
/// Invoke-LlmChat 'Hello' -Callback (New-LlmOtelHandler -NoExport -CaptureContent)
/// ]]></code>
/// <para>
/// Leaves export to an OpenTelemetry SDK or ActivityListener configured elsewhere in the process (pwsh 7.6 and later);
/// the spans carry the prompt and the answer too.
/// </para>
/// </example>
/// <example title="a chain with tools, as one trace">
/// <code><![CDATA[
/// $add = New-LlmTool -Name add -Description 'Adds two numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
/// $h = New-LlmOtelHandler -ServiceName nightly-report
/// Invoke-LlmChain report -Callback $h {
///     Invoke-LlmChat 'What is 2+3?' -Tool $add
/// }
/// $null = $h.Flush()
/// ]]></code>
/// <para>
/// One trace: invoke_workflow report, with invoke_workflow Invoke-LlmChat under it, and under that a chat span per
/// model call and an execute_tool add span, exported with service.name nightly-report.
/// </para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmOtelHandler", DefaultParameterSetName = ExportSet)]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmOtelHandlerCommand : PSCmdlet
{
    private const string ExportSet = "Export";
    private const string NoExportSet = "NoExport";

    /// <summary>
    /// The OTLP collector's base URL, http or https. For http/protobuf /v1/traces and /v1/metrics are added; a full
    /// signal URL such as http://collector:4318/v1/traces is trimmed back to its base. A URL that is not http or https,
    /// or that carries a user name or password (use -Header instead), is a terminating error with the id
    /// LlmInvalidEndpoint.
    /// </summary>
    /// <value>OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318 (http://localhost:4317 for Grpc)</value>
    [Parameter(Position = 0, ParameterSetName = ExportSet)]
    [ValidateNotNullOrEmpty]
    [Alias("Uri")]
    public string? Endpoint { get; set; }

    /// <summary>
    /// The OTLP transport: HttpProtobuf (OTLP/HTTP with protobuf, port 4318) or Grpc (port 4317). OTLP/JSON is not
    /// supported; an OTEL_EXPORTER_OTLP_PROTOCOL other than grpc means HttpProtobuf.
    /// </summary>
    /// <value>OTEL_EXPORTER_OTLP_PROTOCOL, else HttpProtobuf</value>
    [Parameter(ParameterSetName = ExportSet)]
    [ValidateSet("HttpProtobuf", "Grpc")]
    public string? Protocol { get; set; }

    /// <summary>
    /// Headers sent with every export, such as the API key or bearer token of a hosted backend: @{ authorization =
    /// "Bearer $token" }. Values may be strings or SecureStrings; they are sent as given (commas and equals signs
    /// included) and never shown: the handler's properties show only the endpoint, protocol and service name. An
    /// invalid header name is a terminating error with the id LlmInvalidHeader.
    /// </summary>
    [Parameter(ParameterSetName = ExportSet)]
    public Hashtable? Header { get; set; }

    /// <summary>The service.name resource attribute of the exported spans and metrics.</summary>
    /// <value>OTEL_SERVICE_NAME, else PsLlm</value>
    [Parameter(ParameterSetName = ExportSet)]
    [ValidateNotNullOrEmpty]
    public string? ServiceName { get; set; }

    /// <summary>
    /// Records message content: gen_ai.input.messages and gen_ai.output.messages (GenAI JSON) on chat and chain spans,
    /// gen_ai.tool.call.arguments and gen_ai.tool.call.result on tool spans. -CaptureContent:$false turns it off even
    /// when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is true.
    /// </summary>
    /// <value>False (True when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is true)</value>
    [Parameter]
    public SwitchParameter CaptureContent { get; set; }

    /// <summary>
    /// Exports nothing: the spans and metrics only reach in-process listeners of the ActivitySource and Meter named
    /// PsLlm, such as an OpenTelemetry SDK configured by other code (pwsh 7.6 and later; see the description). Cannot
    /// be combined with -Endpoint, -Protocol, -Header or -ServiceName.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = NoExportSet)]
    public SwitchParameter NoExport { get; set; }

    /// <summary>Resolves the export settings (parameters, then OTEL_* variables) and makes the handler.</summary>
    protected override void ProcessRecord()
    {
        try
        {
            var capture = MyInvocation.BoundParameters.ContainsKey(nameof(CaptureContent)) ? CaptureContent.IsPresent : (bool?)null;
            WriteObject(BuiltInHandlers.OpenTelemetry(capture, export: !NoExport, Endpoint, Protocol, HeaderArgument.ToHeaders(Header), ServiceName));
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, ChatEngine.RedactUrl(Endpoint)));
        }
    }
}
