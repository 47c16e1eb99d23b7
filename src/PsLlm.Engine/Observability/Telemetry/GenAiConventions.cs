namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// Names from the OpenTelemetry GenAI semantic conventions, version 1.41.1 (status: Development):
/// gen-ai-spans.md (inference "chat {model}", CLIENT; "execute_tool {name}", INTERNAL),
/// gen-ai-agent-spans.md ("invoke_workflow {gen_ai.workflow.name}", INTERNAL) and
/// gen-ai-metrics.md. 1.41.1 is the last release of open-telemetry/semantic-conventions that
/// carries the GenAI conventions (1.42 and later point to open-telemetry/semantic-conventions-genai);
/// it names the provider gen_ai.provider.name (gen_ai.system before 1.37) and is the first with an
/// invoke_workflow span. Kept in one place so the next revision of these experimental names is one edit.
/// </summary>
internal static class GenAiConventions
{
    public const string Version = "1.41.1";

    // gen_ai.operation.name values.
    public const string Chat = "chat";
    public const string ExecuteTool = "execute_tool";
    public const string InvokeWorkflow = "invoke_workflow";

    // gen_ai.provider.name values: every PsLlm server speaks the OpenAI API; Azure has its own.
    public const string ProviderOpenAI = "openai";
    public const string ProviderAzureOpenAI = "azure.ai.openai";

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestStopSequences = "gen_ai.request.stop_sequences";
    public const string RequestSeed = "gen_ai.request.seed";
    public const string RequestStream = "gen_ai.request.stream";
    public const string OutputType = "gen_ai.output.type";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string ResponseTimeToFirstChunk = "gen_ai.response.time_to_first_chunk";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string UsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string UsageReasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens";
    public const string TokenType = "gen_ai.token.type";
    public const string WorkflowName = "gen_ai.workflow.name";
    public const string ToolName = "gen_ai.tool.name";
    public const string ToolCallId = "gen_ai.tool.call.id";
    public const string ToolType = "gen_ai.tool.type";
    /// <summary>The MCP server of a tool (Connect-LlmMcpServer's name); PsLlm's own attribute, as the conventions name none.</summary>
    public const string McpServer = "psllm.mcp.server";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
    /// <summary>The OpenAI-specific attribute openai.md recommends beside provider "openai".</summary>
    public const string OpenAIApiType = "openai.api.type";

    // Opt-in content (only with -CaptureContent or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true),
    // recorded as JSON strings because span attributes cannot hold structured values yet.
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string ToolCallArguments = "gen_ai.tool.call.arguments";
    public const string ToolCallResult = "gen_ai.tool.call.result";

    // Metrics.
    public const string TokenUsageMetric = "gen_ai.client.token.usage";
    public const string OperationDurationMetric = "gen_ai.client.operation.duration";
    public const string TimeToFirstChunkMetric = "gen_ai.client.operation.time_to_first_chunk";

    // PsLlm's own attributes, outside the gen_ai namespace: the run id joins a span to its events.
    public const string RunId = "psllm.run.id";
    public const string RetryEvent = "psllm.retry";
}
