namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Builds one <see cref="LlmLogEntry"/> per finished run from the event stream: chain runs from
/// ChainStart to ChainEnd/ChainError, model runs from ChatModelStart (plus the first token's time)
/// to LlmEnd/LlmError, tool runs from ToolStart to ToolEnd/ToolError. Not thread-safe: the
/// handler serializes calls. Cheap per event (a dictionary lookup for tokens), and bounded: runs
/// that never end (a process stopped mid-run) are forgotten oldest first past
/// <see cref="MaxOpenRuns"/>.
/// </summary>
internal sealed class LogEntryAssembler
{
    public const int MaxOpenRuns = 10_000;

    private readonly OpenRuns<OpenRun> _open = new(MaxOpenRuns);
    private readonly Dictionary<Guid, ChainState> _chains = new();

    /// <summary>Takes one event; returns the runs it finished (null when none).</summary>
    public List<LlmLogEntry>? Add(LlmEvent e)
    {
        List<LlmLogEntry>? done = null;
        switch (e)
        {
            case LlmNewTokenEvent token:
                if (_open.Find(token.RunId) is { } streaming && streaming.FirstToken is null)
                    streaming.FirstToken = token.Chunk?.Elapsed ?? token.Timestamp - streaming.Start;
                break;

            case ChainStartEvent start:
                Open(new OpenRun(RunKind.Chain, start)
                {
                    Name = start.Name,
                    Inputs = ValueSnapshot.Of(start.Inputs),
                    Prompt = PromptOf(start.Inputs),
                });
                break;

            case TextEvent text:
                if (_open.Find(text.RunId) is { } chain && chain.Prompt is null) chain.Prompt = text.Text;
                break;

            case ChatModelStartEvent model:
                if (model.ParentRunId is { } parentChain)
                {
                    FlushPending(parentChain, ref done);
                    if (_open.Find(parentChain) is { Kind: RunKind.Chain } owner) owner.Model ??= model.Model;
                }
                Open(new OpenRun(RunKind.Llm, model)
                {
                    Name = model.Model,
                    Model = model.Model,
                    EndpointHost = HostOf(model.Endpoint),
                    Messages = model.Messages,
                    Prompt = model.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? (model.Messages.Count > 0 ? model.Messages[^1].Content : null),
                    Inputs = ValueSnapshot.Of(model.InvocationParameters),
                });
                break;

            case LlmEndEvent end:
            {
                var run = Take(end, RunKind.Llm, end.Response.Duration);
                var response = end.Response;
                var record = run.ToRecord(end, RunStatus.Ok) with
                {
                    Duration = end.Timestamp - run.Start,
                    TimeToFirstToken = response.TimeToFirstToken ?? run.FirstToken,
                    ResponseModel = NullIfEmpty(response.Model),
                    Response = response.Text.Length > 0 ? response.Text : response.Refusal,
                    FinishReason = NullIfEmpty(response.FinishReason),
                    Usage = response.Usage,
                    ResponseId = NullIfEmpty(response.ResponseId),
                };
                // A round that asked for tools waits for the AgentAction events that name the calls.
                if (response.FinishReason == "tool_calls" && end.ParentRunId is { } asker)
                {
                    FlushPending(asker, ref done);
                    State(asker).Pending = record;
                }
                else Emit(ref done, record);
                break;
            }

            case LlmErrorEvent failed:
            {
                var run = Take(failed, RunKind.Llm, null);
                Emit(ref done, Failure(run.ToRecord(failed, StatusOf(failed.Error)), failed.Error) with
                {
                    Duration = failed.Timestamp - run.Start,
                    TimeToFirstToken = run.FirstToken,
                    Response = NullIfEmpty(failed.PartialText),
                    StatusCode = failed.StatusCode ?? (failed.Error as LlmException)?.StatusCode,
                });
                break;
            }

            case AgentActionEvent action:
                if (_chains.TryGetValue(action.RunId, out var asking) && asking.Pending is not null)
                    asking.PendingCalls.Add(new ToolCall(action.ToolCallId, action.ToolName, action.Arguments));
                break;

            case ToolStartEvent tool:
                Open(new OpenRun(RunKind.Tool, tool) { Name = tool.ToolName, Prompt = tool.Arguments, ToolCallId = tool.ToolCallId });
                break;

            case ToolEndEvent toolEnd:
            {
                var run = Take(toolEnd, RunKind.Tool, toolEnd.Duration, toolEnd.ToolName);
                Emit(ref done, run.ToRecord(toolEnd, RunStatus.Ok) with
                {
                    Duration = toolEnd.Duration,
                    Response = toolEnd.Output,
                    ToolCallId = NullIfEmpty(toolEnd.ToolCallId) ?? run.ToolCallId,
                });
                break;
            }

            case ToolErrorEvent toolError:
            {
                var run = Take(toolError, RunKind.Tool, null, toolError.ToolName);
                Emit(ref done, Failure(run.ToRecord(toolError, RunStatus.Error), toolError.Error) with
                {
                    Duration = toolError.Timestamp - run.Start,
                    Response = toolError.Output,
                    ToolCallId = NullIfEmpty(toolError.ToolCallId) ?? run.ToolCallId,
                });
                break;
            }

            case ChainEndEvent chainEnd:
            {
                FlushPending(chainEnd.RunId, ref done);
                _chains.Remove(chainEnd.RunId);
                var run = Take(chainEnd, RunKind.Chain, chainEnd.Duration, chainEnd.Name);
                var record = run.ToRecord(chainEnd, RunStatus.Ok) with { Duration = chainEnd.Duration };
                if (chainEnd.Outputs is ChatResponse response)
                {
                    record = record with
                    {
                        ResponseModel = NullIfEmpty(response.Model),
                        Response = response.Text.Length > 0 ? response.Text : response.Refusal,
                        FinishReason = NullIfEmpty(response.FinishReason),
                        Usage = response.Usage,
                        ToolResults = response.ToolCalls.ToArray(),
                        ToolCalls = response.ToolCalls.Select(r => r.Call).ToArray(),
                        ResponseId = NullIfEmpty(response.ResponseId),
                    };
                }
                else record = record with { Response = ValueSnapshot.Text(chainEnd.Outputs) };
                Emit(ref done, record);
                break;
            }

            case ChainErrorEvent chainError:
            {
                FlushPending(chainError.RunId, ref done);
                _chains.Remove(chainError.RunId);
                var run = Take(chainError, RunKind.Chain, null, chainError.Name);
                Emit(ref done, Failure(run.ToRecord(chainError, StatusOf(chainError.Error)), chainError.Error) with
                {
                    Duration = chainError.Timestamp - run.Start,
                    Response = NullIfEmpty(chainError.PartialText),
                    StatusCode = (chainError.Error as LlmException)?.StatusCode,
                });
                break;
            }
        }
        return done;
    }

    /// <summary>Runs started but not finished yet.</summary>
    public int OpenRunCount => _open.Count;

    private void Open(OpenRun run) => _open.Add(run.RunId, run, run.Start);

    // The run's start, or (when the handler was added mid-run) one rebuilt from the end event.
    private OpenRun Take(LlmEvent end, RunKind kind, TimeSpan? duration, string? name = null)
    {
        if (_open.TryTake(end.RunId, out var run)) return run;
        return new OpenRun(kind, end) { Name = name ?? string.Empty, Start = duration is { } d ? end.Timestamp - d : end.Timestamp };
    }

    private ChainState State(Guid chainRunId)
    {
        if (!_chains.TryGetValue(chainRunId, out var state))
        {
            if (_chains.Count >= MaxOpenRuns) _chains.Clear();
            _chains[chainRunId] = state = new ChainState();
        }
        return state;
    }

    private void FlushPending(Guid chainRunId, ref List<LlmLogEntry>? done)
    {
        if (!_chains.TryGetValue(chainRunId, out var state) || state.Pending is null) return;
        Emit(ref done, state.Pending with { ToolCalls = state.PendingCalls.ToArray() });
        state.Pending = null;
        state.PendingCalls.Clear();
    }

    private static LlmLogEntry Failure(LlmLogEntry record, Exception error) => record with
    {
        Error = error.Message,
        ErrorId = error is LlmException llm ? llm.ErrorId : error.GetType().Name,
    };

    private static RunStatus StatusOf(Exception error) =>
        error is LlmException { Kind: LlmErrorKind.Stopped } ? RunStatus.Stopped
        : error is OperationCanceledException || error is LlmException { Kind: LlmErrorKind.Cancelled } || error.GetType().Name == "PipelineStoppedException"
            ? RunStatus.Cancelled
            : RunStatus.Error;

    private static void Emit(ref List<LlmLogEntry>? done, LlmLogEntry record) => (done ??= new List<LlmLogEntry>(2)).Add(record);

    private static string? PromptOf(IReadOnlyDictionary<string, object?> inputs) =>
        inputs.TryGetValue("prompt", out var prompt) || inputs.TryGetValue("input", out prompt) ? ValueSnapshot.Text(prompt) : null;

    /// <summary>host[:port] of the endpoint; never its path, query or user info.</summary>
    private static string? HostOf(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.Authority : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>A run between its start and end event.</summary>
    private sealed class OpenRun
    {
        public OpenRun(RunKind kind, LlmEvent start)
        {
            Kind = kind;
            RunId = start.RunId;
            ParentRunId = start.ParentRunId;
            Start = start.Timestamp;
        }

        public RunKind Kind { get; }
        public Guid RunId { get; }
        public Guid? ParentRunId { get; }
        public DateTimeOffset Start { get; init; }
        public string Name { get; init; } = string.Empty;
        public string? Model { get; set; }
        public string? EndpointHost { get; init; }
        public IReadOnlyList<ChatMessage> Messages { get; init; } = Array.Empty<ChatMessage>();
        public string? Prompt { get; set; }
        public IReadOnlyDictionary<string, string?> Inputs { get; init; } = new Dictionary<string, string?>();
        public string? ToolCallId { get; init; }
        public TimeSpan? FirstToken { get; set; }

        public LlmLogEntry ToRecord(LlmEvent end, RunStatus status) => new()
        {
            RunId = RunId,
            ParentRunId = ParentRunId ?? end.ParentRunId,
            Kind = Kind.ToString(),
            Name = Name,
            Status = status.ToString(),
            StartTime = Start,
            EndTime = end.Timestamp,
            Model = Model,
            EndpointHost = EndpointHost,
            Prompt = Prompt,
            Messages = Messages,
            Inputs = Inputs,
            ToolCallId = ToolCallId,
            Tags = end.Tags.ToArray(),
            Metadata = ValueSnapshot.Of(end.Metadata),
        };
    }

    /// <summary>What a chain run's model calls have told so far: a tool-calling round waiting for its calls.</summary>
    private sealed class ChainState
    {
        public LlmLogEntry? Pending { get; set; }
        public List<ToolCall> PendingCalls { get; } = new();
    }
}
