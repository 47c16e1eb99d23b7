using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability;
using PsLlm.Engine.Observability.Telemetry;

namespace PsLlm.Engine;

/// <summary>
/// The handlers PsLlm ships: the console, and the recorders that keep every inference (a JSON
/// Lines file, an HTTP collector, OpenTelemetry). Each checks its settings here, so a wrong path
/// or URL fails when the handler is made, not later in the background. The SQLite log is
/// <see cref="LlmLog"/>'s.
/// </summary>
public static class BuiltInHandlers
{
    /// <summary>
    /// Writes streamed tokens to <paramref name="sink"/> as they arrive (reasoning dimmed), and
    /// optionally a line per run start, end, retry and failure, each tool call, and the usage.
    /// </summary>
    public static CallbackHandler Console(IConsoleSink sink, bool showTokens = true, bool showRunHeaders = false,
        bool showUsage = false, bool showToolCalls = false, bool useColor = true) =>
        new ConsoleHandler(sink)
        {
            ShowTokens = showTokens,
            ShowRunHeaders = showRunHeaders,
            ShowUsage = showUsage,
            ShowToolCalls = showToolCalls,
            UseColor = useColor,
        };

    /// <summary>
    /// Appends one JSON object per event to the file at <paramref name="path"/> (a file system
    /// path), in the background. <paramref name="eventNames"/> null logs every event. The folder
    /// must exist; the file is created now, to prove it can be written.
    /// </summary>
    public static CallbackHandler Jsonl(string path, IEnumerable<string>? eventNames, bool excludeContent)
    {
        var names = eventNames is null ? null : EventNameParser.Parse(eventNames);
        if (Directory.Exists(path))
            throw InvalidPath("LlmLogPathInvalid", $"'{path}' is a folder; give a file path, e.g. {Path.Combine(path, "llm.jsonl")}.");
        var folder = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            throw InvalidPath("LlmLogFolderNotFound", $"The folder '{folder}' does not exist. Create it first (New-Item -ItemType Directory), or give a path in an existing folder.");
        try
        {
            new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InvalidPath("LlmLogFileNotWritable", $"The log file '{path}' cannot be written: {e.Message}");
        }
        return new JsonlHandler(path, names, excludeContent);
    }

    /// <summary>
    /// POSTs one JSON inference record per model call to the collector at <paramref name="uri"/>
    /// (absolute http or https, no credentials in it), in the background, with retries. Header
    /// values are secrets: never shown, logged or recorded. <paramref name="timeout"/> null: 10 seconds an attempt.
    /// </summary>
    public static CallbackHandler Webhook(string uri, IReadOnlyDictionary<string, string>? headers, TimeSpan? timeout) =>
        new WebhookHandler(ParseCollectorUri(uri), headers, timeout);

    /// <summary>
    /// Records chats, chains and tool calls as OpenTelemetry spans and metrics (GenAI semantic
    /// conventions, ActivitySource and Meter "PsLlm"). <paramref name="captureContent"/> null
    /// follows OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT. With <paramref name="export"/>
    /// the handler exports over OTLP; null arguments fall back to the standard OTEL_* variables
    /// (<paramref name="protocol"/>: Grpc or HttpProtobuf). Without it, only listeners in this
    /// process see the spans.
    /// </summary>
    public static CallbackHandler OpenTelemetry(bool? captureContent, bool export, string? endpoint = null, string? protocol = null,
        IReadOnlyDictionary<string, string>? headers = null, string? serviceName = null)
    {
        var transport = protocol switch
        {
            null => (OtlpTransport?)null,
            _ when protocol.Equals("Grpc", StringComparison.OrdinalIgnoreCase) => OtlpTransport.Grpc,
            _ when protocol.Equals("HttpProtobuf", StringComparison.OrdinalIgnoreCase) => OtlpTransport.HttpProtobuf,
            _ => throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidOtlpProtocol", $"'{protocol}' is not an OTLP protocol: use HttpProtobuf or Grpc.") { ParameterName = "Protocol" },
        };
        var settings = export ? OtlpExportSettings.Resolve(endpoint, transport, headers, serviceName) : null;
        return new GenAiSpanHandler(ContentCapture.Resolve(captureContent), settings);
    }

    private static Uri ParseCollectorUri(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri.UserInfo.Length == 0) return uri;
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidWebhookUri",
                "The collector URL must not carry a user name or password; send credentials with -Header @{ Authorization = '…' }.")
            { ParameterName = "Uri" };
        }
        throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidWebhookUri",
            $"'{EndpointRules.Redact(value)}' is not an absolute http or https URL. Give the collector's full address, e.g. https://collector.example.com/v1/inferences.")
        { ParameterName = "Uri" };
    }

    private static LlmException InvalidPath(string errorId, string message) =>
        new(LlmErrorKind.InvalidInput, errorId, message) { ParameterName = "Path" };
}
