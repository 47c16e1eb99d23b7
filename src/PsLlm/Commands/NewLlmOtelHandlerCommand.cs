using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Engine;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Creates a handler that records chats, chains and tool calls as OpenTelemetry spans and metrics (GenAI semantic conventions) and exports them over OTLP.</para>
/// <para type="description">Spans come from the ActivitySource "PsLlm" (invoke_workflow, chat {model}, execute_tool {name}), metrics from the Meter "PsLlm" (gen_ai.client.token.usage, gen_ai.client.operation.duration, gen_ai.client.operation.time_to_first_chunk). Register the handler with Register-LlmCallback -Handler, or pass it to -Callback. Message content is recorded only with -CaptureContent or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true. Queued spans are exported when the process exits; call $handler.Flush() to send them now.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmOtelHandler", DefaultParameterSetName = ExportSet)]
[OutputType(typeof(CallbackHandler))]
public sealed class NewLlmOtelHandlerCommand : PSCmdlet
{
    private const string ExportSet = "Export";
    private const string NoExportSet = "NoExport";

    /// <summary>The OTLP collector's base URL. Default: OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318 (http://localhost:4317 for -Protocol Grpc).</summary>
    [Parameter(Position = 0, ParameterSetName = ExportSet)]
    [ValidateNotNullOrEmpty]
    [Alias("Uri")]
    public string? Endpoint { get; set; }

    /// <summary>HttpProtobuf (OTLP/HTTP, port 4318) or Grpc (port 4317). Default: OTEL_EXPORTER_OTLP_PROTOCOL, else HttpProtobuf.</summary>
    [Parameter(ParameterSetName = ExportSet)]
    [ValidateSet("HttpProtobuf", "Grpc")]
    public string? Protocol { get; set; }

    /// <summary>Headers sent with every export, e.g. @{ 'x-api-key' = $key }. Values may be SecureStrings; they are never shown.</summary>
    [Parameter(ParameterSetName = ExportSet)]
    public Hashtable? Header { get; set; }

    /// <summary>The exported resource's service.name. Default: OTEL_SERVICE_NAME, else PsLlm.</summary>
    [Parameter(ParameterSetName = ExportSet)]
    [ValidateNotNullOrEmpty]
    public string? ServiceName { get; set; }

    /// <summary>Record prompts, answers, tool arguments and results on the spans (gen_ai.input.messages, gen_ai.output.messages, …). Default: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, else off.</summary>
    [Parameter]
    public SwitchParameter CaptureContent { get; set; }

    /// <summary>Export nothing: the spans and metrics only reach listeners in this process (an OpenTelemetry SDK configured by other code, an ActivityListener).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NoExportSet)]
    public SwitchParameter NoExport { get; set; }

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
