using System.Diagnostics;

namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// Turns PsLlm's run tree into OpenTelemetry spans on the "PsLlm" ActivitySource, following the
/// GenAI semantic conventions <see cref="GenAiConventions.Version"/>: a chain run is
/// "invoke_workflow {name}" (INTERNAL), a chat-model run "chat {model}" (CLIENT), a tool run
/// "execute_tool {name}" (INTERNAL); a run's parent run is its span's parent. Each chat also
/// records gen_ai.client.token.usage, gen_ai.client.operation.duration and, when streamed,
/// gen_ai.client.operation.time_to_first_chunk. Message content is added only when asked for.
/// <para>
/// While a run is open its span is Activity.Current, so HTTP instrumentation and the W3C
/// traceparent of the request nest under the chat, and a tool's own spans under the tool; the
/// run's end puts back exactly what was current before it started. Spans exist only while some
/// listener (this handler's exporter, an OpenTelemetry SDK, any ActivityListener) wants "PsLlm".
/// </para>
/// With export settings it also owns an OTLP pipeline (<see cref="OtlpExporterHost"/>).
/// </summary>
internal sealed class GenAiSpanHandler : CallbackHandler, IDisposable
{
    private static readonly TimeSpan DefaultFlushTimeout = TimeSpan.FromSeconds(5);
    private readonly OtlpExporterHost? _exporter;

    public GenAiSpanHandler(bool captureContent = false, OtlpExportSettings? export = null)
    {
        CaptureContent = captureContent;
        Name = "OpenTelemetry";
        if (export is not null) _exporter = new OtlpExporterHost(export);
    }

    /// <summary>Whether prompts, answers, tool arguments and results go on the spans (opt-in).</summary>
    public bool CaptureContent { get; }

    /// <summary>True while this handler exports over OTLP; false for in-process listeners only (-NoExport), and after Dispose.</summary>
    public bool Exporting => _exporter is { IsDisposed: false };

    /// <summary>The collector's base URL, when exporting.</summary>
    public string? Endpoint => _exporter?.Settings.Endpoint.ToString();

    /// <summary>http/protobuf or grpc, when exporting.</summary>
    public string? Protocol => _exporter is null ? null : _exporter.Settings.Transport == OtlpTransport.Grpc ? "grpc" : "http/protobuf";

    /// <summary>The exported resource's service.name, when exporting.</summary>
    public string? ServiceName => _exporter?.Settings.ServiceName;

    /// <summary>Exports what is queued now (spans are otherwise batched for a few seconds). False when the collector did not answer in time.</summary>
    public bool Flush() => Flush(DefaultFlushTimeout);

    public bool Flush(TimeSpan timeout) => _exporter?.Flush(timeout) ?? true;

    /// <summary>Flushes and shuts the exporter down (also done when the process exits).</summary>
    public void Dispose() => _exporter?.Dispose();

    public override void Handle(LlmEvent e)
    {
        switch (e)
        {
            case ChainStartEvent start: StartChain(start); break;
            case ChatModelStartEvent start: StartChat(start); break;
            case ToolStartEvent start: StartTool(start); break;
            case RetryEvent retry: AddRetry(retry); break;
            case LlmEndEvent end: EndChat(end); break;
            case LlmErrorEvent error: FailChat(error); break;
            case ToolEndEvent end: EndTool(end); break;
            case ToolErrorEvent error: Fail(error.RunId, error.Timestamp, error.Error); break;
            case ChainEndEvent end: EndChain(end); break;
            case ChainErrorEvent error: Fail(error.RunId, error.Timestamp, error.Error); break;
        }
    }

    private void StartChain(ChainStartEvent e)
    {
        var span = Start(e, $"{GenAiConventions.InvokeWorkflow} {e.Name}", ActivityKind.Internal, new Tags
        {
            { GenAiConventions.OperationName, GenAiConventions.InvokeWorkflow },
            { GenAiConventions.WorkflowName, e.Name },
            { GenAiConventions.RunId, e.RunId.ToString() },
        });
        if (Content(span) is { } activity) activity.SetTag(GenAiConventions.InputMessages, GenAiMessageJson.ChainInput(e.Inputs));
    }

    private void StartChat(ChatModelStartEvent e)
    {
        var server = GenAiServer.FromEndpoint(e.Endpoint);
        var metricTags = new Tags
        {
            { GenAiConventions.OperationName, GenAiConventions.Chat },
            { GenAiConventions.ProviderName, server.ProviderName },
        };
        if (e.Model.Length > 0) metricTags.Add(GenAiConventions.RequestModel, e.Model);
        if (server.Address is not null) metricTags.Add(GenAiConventions.ServerAddress, server.Address);
        if (server.Port is { } port) metricTags.Add(GenAiConventions.ServerPort, port);

        var tags = new Tags(metricTags);
        if (server.ProviderName == GenAiConventions.ProviderOpenAI) tags.Add(GenAiConventions.OpenAIApiType, "chat_completions");
        var parameters = e.InvocationParameters;
        var streaming = parameters.TryGetValue("stream", out var stream) && stream is true;
        if (streaming) tags.Add(GenAiConventions.RequestStream, true);
        if (Number(parameters, "temperature") is { } temperature) tags.Add(GenAiConventions.RequestTemperature, temperature);
        if (Number(parameters, "top_p") is { } topP) tags.Add(GenAiConventions.RequestTopP, topP);
        if (Integer(parameters, "max_tokens") is { } maxTokens) tags.Add(GenAiConventions.RequestMaxTokens, maxTokens);
        if (Integer(parameters, "seed") is { } seed) tags.Add(GenAiConventions.RequestSeed, seed);
        if (parameters.TryGetValue("stop", out var stop) && stop is IEnumerable<string> sequences) tags.Add(GenAiConventions.RequestStopSequences, sequences.ToArray());
        if (parameters.TryGetValue("response_format", out var format) && format is string kind)
            tags.Add(GenAiConventions.OutputType, kind.StartsWith("json", StringComparison.Ordinal) ? "json" : "text");
        tags.Add(GenAiConventions.RunId, e.RunId.ToString());

        var span = Start(e, e.Model.Length > 0 ? $"{GenAiConventions.Chat} {e.Model}" : GenAiConventions.Chat, ActivityKind.Client, tags);
        if (span is null) return;
        span.MetricTags = metricTags.ToArray();
        span.Streaming = streaming;
        if (Content(span) is { } activity) activity.SetTag(GenAiConventions.InputMessages, GenAiMessageJson.Input(e.Messages));
    }

    private void StartTool(ToolStartEvent e)
    {
        var tags = new Tags
        {
            { GenAiConventions.OperationName, GenAiConventions.ExecuteTool },
            { GenAiConventions.ToolName, e.ToolName },
            // An MCP server's tool runs elsewhere: semantic conventions call that an extension.
            { GenAiConventions.ToolType, e.McpServer is null ? "function" : "extension" },
        };
        if (e.McpServer is not null) tags.Add(GenAiConventions.McpServer, e.McpServer);
        if (e.ToolCallId.Length > 0) tags.Add(GenAiConventions.ToolCallId, e.ToolCallId);
        tags.Add(GenAiConventions.RunId, e.RunId.ToString());
        var span = Start(e, $"{GenAiConventions.ExecuteTool} {e.ToolName}", ActivityKind.Internal, tags);
        if (Content(span) is { } activity) activity.SetTag(GenAiConventions.ToolCallArguments, e.Arguments);
    }

    private static void AddRetry(RetryEvent e)
    {
        if (RunSpanRegistry.Find(e.RunId)?.Activity is not { } activity) return;
        var tags = new ActivityTagsCollection
        {
            ["psllm.retry.attempt"] = e.Attempt,
            ["psllm.retry.delay"] = e.Delay.TotalSeconds,
            ["psllm.retry.reason"] = e.Reason,
        };
        if (e.StatusCode is { } status) tags["http.response.status_code"] = status;
        activity.AddEvent(new ActivityEvent(GenAiConventions.RetryEvent, e.Timestamp, tags));
    }

    private static void EndChat(LlmEndEvent e)
    {
        if (RunSpanRegistry.Remove(e.RunId) is not { } span) return;
        var activity = span.Activity;
        var response = e.Response;
        var metricTags = span.MetricTags;
        if (response.ResponseId.Length > 0) activity?.SetTag(GenAiConventions.ResponseId, response.ResponseId);
        if (response.Model.Length > 0)
        {
            activity?.SetTag(GenAiConventions.ResponseModel, response.Model);
            metricTags = [.. metricTags, new(GenAiConventions.ResponseModel, response.Model)];
        }
        if (response.FinishReason.Length > 0) activity?.SetTag(GenAiConventions.ResponseFinishReasons, new[] { response.FinishReason });

        if (e.Response.Usage is { } usage)
        {
            activity?.SetTag(GenAiConventions.UsageInputTokens, (long)usage.InputTokens);
            activity?.SetTag(GenAiConventions.UsageOutputTokens, (long)usage.OutputTokens);
            if (usage.CachedInputTokens > 0) activity?.SetTag(GenAiConventions.UsageCacheReadInputTokens, (long)usage.CachedInputTokens);
            if (usage.ReasoningTokens > 0) activity?.SetTag(GenAiConventions.UsageReasoningOutputTokens, (long)usage.ReasoningTokens);
            GenAiTelemetry.TokenUsage.Record(usage.InputTokens, [.. metricTags, new(GenAiConventions.TokenType, "input")]);
            GenAiTelemetry.TokenUsage.Record(usage.OutputTokens, [.. metricTags, new(GenAiConventions.TokenType, "output")]);
        }
        if (span.Streaming && response.TimeToFirstToken is { } firstChunk)
        {
            activity?.SetTag(GenAiConventions.ResponseTimeToFirstChunk, firstChunk.TotalSeconds);
            GenAiTelemetry.TimeToFirstChunk.Record(firstChunk.TotalSeconds, metricTags);
        }
        if (Content(span) is { } captured) captured.SetTag(GenAiConventions.OutputMessages, GenAiMessageJson.Output(response.Text.Length > 0 ? response.Text : response.Refusal ?? string.Empty, response.FinishReason));

        GenAiTelemetry.OperationDuration.Record(Seconds(span, e.Timestamp), metricTags);
        Finish(span, e.Timestamp);
    }

    private static void FailChat(LlmErrorEvent e)
    {
        if (RunSpanRegistry.Find(e.RunId) is not { } span) return;
        if (IsStopped(e.Error))
        {
            GenAiTelemetry.OperationDuration.Record(Seconds(span, e.Timestamp), span.MetricTags);
            Fail(e.RunId, e.Timestamp, e.Error);
            return;
        }
        GenAiTelemetry.OperationDuration.Record(Seconds(span, e.Timestamp), [.. span.MetricTags, new(GenAiConventions.ErrorType, GenAiErrorType.Of(e.Error))]);
        Fail(e.RunId, e.Timestamp, e.Error);
    }

    private static void EndTool(ToolEndEvent e)
    {
        if (RunSpanRegistry.Remove(e.RunId) is not { } span) return;
        if (Content(span) is { } activity) activity.SetTag(GenAiConventions.ToolCallResult, e.Output);
        Finish(span, e.Timestamp);
    }

    private static void EndChain(ChainEndEvent e)
    {
        if (RunSpanRegistry.Remove(e.RunId) is not { } span) return;
        if (Content(span) is { } activity) activity.SetTag(GenAiConventions.OutputMessages, GenAiMessageJson.ChainOutput(e.Outputs));
        Finish(span, e.Timestamp);
    }

    /// <summary>
    /// Ends a span that failed, as the conventions' recording-errors rules say: status Error,
    /// error.type. A run a consumer stopped (Select-Object -First) is no error: its span just ends.
    /// </summary>
    private static void Fail(Guid runId, DateTimeOffset timestamp, Exception error)
    {
        if (RunSpanRegistry.Remove(runId) is not { } span) return;
        if (!IsStopped(error))
        {
            span.Activity?.SetTag(GenAiConventions.ErrorType, GenAiErrorType.Of(error));
            span.Activity?.SetStatus(ActivityStatusCode.Error, error.Message);
        }
        Finish(span, timestamp);
    }

    private static bool IsStopped(Exception error) => error is LlmException { Kind: LlmErrorKind.Stopped };

    /// <summary>
    /// Opens the run: its span goes under its parent run's span (or, for a root run, under
    /// whatever is current: the caller's own span, if any), and exists only when someone listens
    /// to "PsLlm". Nothing happens when another handler already opened this run.
    /// </summary>
    private RunSpan? Start(LlmEvent e, string name, ActivityKind kind, Tags tags)
    {
        if (RunSpanRegistry.IsOpen(e.RunId)) return null;
        var previous = Activity.Current;
        var parent = RunSpanRegistry.Find(e.ParentRunId)?.Activity?.Context ?? default;
        var activity = GenAiTelemetry.Source.StartActivity(name, kind, parent, tags, links: null, startTime: e.Timestamp);
        var span = new RunSpan(activity, previous, CaptureContent, e.Timestamp);
        if (RunSpanRegistry.TryAdd(e.RunId, span)) return span;
        // Lost a race with another handler for the same run: this copy is neither recorded nor kept.
        if (activity is not null)
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.Stop();
            Activity.Current = previous;
        }
        return null;
    }

    private static void Finish(RunSpan span, DateTimeOffset ended)
    {
        if (span.Activity is not { } activity) return;
        activity.SetEndTime((ended < span.Started ? span.Started : ended).UtcDateTime);
        activity.Stop();
        Activity.Current = span.Previous;
    }

    /// <summary>The span to put content on, when content was opted into and there is a span.</summary>
    private static Activity? Content(RunSpan? span) => span is { CaptureContent: true } ? span.Activity : null;

    private static double Seconds(RunSpan span, DateTimeOffset ended) => Math.Max(0, (ended - span.Started).TotalSeconds);

    private static double? Number(IReadOnlyDictionary<string, object?> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && value is IConvertible and not string and not bool
            ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static long? Integer(IReadOnlyDictionary<string, object?> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && value is IConvertible and not string and not bool
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>Span attributes, as StartActivity takes them (a list: TagList copies share storage past eight tags).</summary>
    private sealed class Tags : List<KeyValuePair<string, object?>>
    {
        public Tags() { }
        public Tags(IEnumerable<KeyValuePair<string, object?>> tags) : base(tags) { }
        public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
    }
}
