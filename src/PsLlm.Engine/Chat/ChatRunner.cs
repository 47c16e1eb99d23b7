using System.ClientModel;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Tools;
using PsLlm.Engine.Transport;

namespace PsLlm.Engine.Chat;

/// <summary>
/// Runs one chat as a chain run with a chat-model run under it. HTTP is read on a background task
/// into a bounded queue; the caller's thread (the PowerShell pipeline thread) takes items from it,
/// raises the events and pumps between items, so every handler runs on that thread, in order,
/// while the answer is still arriving.
/// </summary>
public sealed class ChatRunner
{
    private readonly LlmClient _client;

    public ChatRunner(LlmClient client) => _client = client;

    /// <summary>
    /// Sends the chat and returns the complete response. With tools, the model's tool calls are run
    /// here (on the caller's thread) and answered until it gives a final answer. With a session,
    /// its history is sent and the whole turn appended on success. Throws
    /// <see cref="LlmException"/> on failure and <see cref="OperationCanceledException"/> (inner:
    /// the LlmException with the partial text) when <paramref name="cancellationToken"/> stops it;
    /// in both cases LlmError (if the model call was under way) and ChainError were raised first,
    /// and the session is unchanged.
    /// </summary>
    public ChatResponse Invoke(ChatRequest request, RunOptions options, CancellationToken cancellationToken)
    {
        ChatRequestValidator.Validate(request, _client);
        var model = string.IsNullOrWhiteSpace(request.Model) ? _client.Model : request.Model!;
        var connection = LlmConnection.For(_client);
        var session = request.Session;
        var prompt = request.BuildPrompt();
        var messages = BuildConversation(request, session, prompt);
        var turn = new ChatTurn(prompt, session);
        var sources = options.Sources.Prepend(_client).Concat(session is null ? Array.Empty<LlmEventSource>() : new LlmEventSource[] { session }).ToArray();
        // The client's own handlers are client-scoped: this chat's runs, not chats nested in them.
        var local = _client.Callbacks.Concat(options.LocalHandlers).ToArray();
        var runScope = new CallbackScope { Local = local, Sources = sources };

        var chainScope = new CallbackScope
        {
            Inheritable = request.Callbacks,
            Local = local,
            Sources = sources,
            Tags = request.Tags,
            Metadata = request.Metadata,
        };
        var parent = options.Parent ?? CallbackManager.Current;
        var chain = parent?.StartChild(chainScope) ?? CallbackManager.StartRoot(chainScope, options.ErrorSink);
        CallbackManager? llm = null;
        var llmEnded = false;
        var state = new ChatRunState { Model = model };
        var clock = Stopwatch.StartNew();

        using var chainActive = chain.Activate();
        try
        {
            chain.Raise(new ChainStartEvent { Name = request.ChainName, Inputs = ChainInputs(request) });
            chain.Raise(new TextEvent { Text = prompt.Content });
            while (true)
            {
                llm = chain.StartChild(runScope);
                llmEnded = false;
                state = new ChatRunState { Model = model };
                var roundClock = Stopwatch.StartNew();
                var final = false;
                ChatResponse roundResponse;
                using (llm.Activate())
                {
                    llm.Raise(new ChatModelStartEvent
                    {
                        Messages = messages.ToArray(),
                        InvocationParameters = SdkMapping.InvocationParameters(request, model),
                        Model = model,
                        Endpoint = EndpointRules.Display(_client.Endpoint),
                    });

                    Execute(request, model, messages, connection, llm, state, options, cancellationToken);
                    turn.CountRound(state.Usage);
                    final = state.ToolCalls.Count == 0;
                    if (final) turn.AddAnswer(new ChatMessage("assistant", state.Text));
                    // LlmEnd describes this model call alone (its usage and duration), so handlers that
                    // add up LlmEnd never count a tool chat twice; a one-call chat's is the whole response.
                    roundResponse = final && turn.Rounds == 1
                        ? state.ToResponse(llm.RunId, chain.RunId, clock.Elapsed, messages.ToArray(), partial: false, turn)
                        : state.ToResponse(llm.RunId, chain.RunId, roundClock.Elapsed, messages.ToArray(), partial: false);
                    llm.Raise(new LlmEndEvent { Response = roundResponse });
                    llmEnded = true;
                }

                if (final)
                {
                    // The chat's response covers the whole turn: every round's usage, all tool calls, the transcript.
                    var response = turn.Rounds == 1
                        ? roundResponse
                        : state.ToResponse(llm.RunId, chain.RunId, clock.Elapsed, messages.ToArray(), partial: false, turn);
                    StructuredOutput.Check(request, response);
                    if (turn.ToolRounds > 0) chain.Raise(new AgentFinishEvent { Output = response.Text, Rounds = turn.Rounds });
                    session?.AppendTurn(turn.Transcript, turn.Usage);
                    chain.Raise(new ChainEndEvent { Name = request.ChainName, Outputs = response, Duration = clock.Elapsed });
                    return response;
                }

                var assistant = new ChatMessage("assistant", state.Text) { ToolCalls = state.ToolCalls };
                messages.Add(assistant);
                turn.AddToolRound(assistant);
                if (turn.ToolRounds > request.MaxToolRounds)
                    throw new LlmException(LlmErrorKind.ToolRoundsExceeded, "LlmMaxToolRoundsExceeded",
                        $"The model was still calling tools after {request.MaxToolRounds} rounds ({string.Join(", ", state.ToolCalls)}); the transcript is on the error's PartialResponse.")
                    { RecommendedAction = "Raise -MaxToolRounds, or make the tools' answers more conclusive." };
                foreach (var call in state.ToolCalls)
                {
                    var result = ToolCallExecutor.Execute(call, request.Tools, chain, runScope, options.ApproveTool, cancellationToken);
                    var answer = new ChatMessage("tool", result.Output) { ToolCallId = call.Id, Name = call.Name };
                    messages.Add(answer);
                    turn.AddToolResult(result, answer);
                }
            }
        }
        catch (Exception failure)
        {
            var cancelled = failure is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var error = cancelled
                ? new LlmException(LlmErrorKind.Cancelled, "LlmCancelled",
                    state.Text.Length > 0 ? $"The chat was stopped after {state.Text.Length} characters of the answer." : "The chat was stopped before the answer began.",
                    failure)
                : LlmErrorMapper.Map(failure, model, state.Text, connection.Redactor);
            error.PartialText = state.Text;
            error.PartialResponse = state.ToResponse(llm?.RunId ?? Guid.Empty, chain.RunId, clock.Elapsed, messages.ToArray(), partial: true, turn);

            if (llm is not null && !llmEnded)
                llm.RaiseWhileFailing(new LlmErrorEvent { Error = error, PartialText = state.Text, StatusCode = error.StatusCode });
            chain.RaiseWhileFailing(new ChainErrorEvent { Name = request.ChainName, Error = error, PartialText = state.Text });
            if (cancelled) throw new OperationCanceledException(error.Message, error, cancellationToken);
            if (ReferenceEquals(error, failure)) throw;
            throw error;
        }
    }

    /// <summary>System message (the request's, else the session's), history (trimmed session or given), prompt.</summary>
    private static List<ChatMessage> BuildConversation(ChatRequest request, ChatSession? session, ChatMessage prompt)
    {
        var messages = new List<ChatMessage>();
        var system = request.BuildSystem() ?? (string.IsNullOrEmpty(session?.System) ? null : new ChatMessage("system", session!.System!));
        if (system is not null) messages.Add(system);
        messages.AddRange(session is null ? request.History : HistoryTrimmer.Trim(session.Messages, session.MaxHistory, session.MaxTokens));
        messages.Add(prompt);
        return messages;
    }

    private void Execute(
        ChatRequest request, string model, IReadOnlyList<ChatMessage> messages, LlmConnection connection,
        CallbackManager llm, ChatRunState state, RunOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var queue = new BlockingCollection<StreamItem>(options.QueueCapacity);
            var producer = Task.Run(() => Produce(request, model, messages, connection, queue, attempt.Token), CancellationToken.None);
            try
            {
                Drain(queue, llm, state, options, cancellationToken);
                return;
            }
            catch (ClientResultException rejected) when (IsStreamUsageRejection(rejected, request, state))
            {
                // Some compatible servers refuse stream_options; ask again without it, once.
                _client.StreamUsageUnsupported = true;
            }
            finally
            {
                attempt.Cancel();
                ObserveQuietly(producer);
            }
        }
    }

    private bool IsStreamUsageRejection(ClientResultException rejected, ChatRequest request, ChatRunState state) =>
        request.Stream && !_client.StreamUsageUnsupported && state.TokenCount == 0
        && rejected.Status is 400 or 422
        && (rejected.GetRawResponse()?.Content?.ToString() ?? rejected.Message).Contains("stream_options", StringComparison.OrdinalIgnoreCase);

    private static void Drain(BlockingCollection<StreamItem> queue, CallbackManager llm, ChatRunState state, RunOptions options, CancellationToken cancellationToken)
    {
        var poll = (int)options.PollInterval.TotalMilliseconds;
        while (true)
        {
            if (!queue.TryTake(out var item, poll, cancellationToken))
            {
                options.Pump?.Pump();
                if (queue.IsCompleted) return;
                continue;
            }
            Apply(item, llm, state);
            options.Pump?.Pump();
        }
    }

    private static void Apply(StreamItem item, CallbackManager llm, ChatRunState state)
    {
        switch (item)
        {
            case TokenItem token:
                var index = state.TokenCount;
                state.AddToken(token.Text, token.Elapsed);
                llm.Raise(new LlmNewTokenEvent
                {
                    Token = token.Text,
                    Index = index,
                    Chunk = new ChatToken { Text = token.Text, Index = index, RunId = llm.RunId, Elapsed = token.Elapsed },
                });
                break;
            case ResponseInfoItem info:
                if (info.ResponseId.Length > 0) state.ResponseId = info.ResponseId;
                if (info.Model.Length > 0) state.Model = info.Model;
                break;
            case RefusalItem refusal:
                state.AddRefusal(refusal.Text);
                break;
            case FinishItem finish:
                state.FinishReason = finish.Reason;
                break;
            case UsageItem usage:
                state.Usage = usage.Usage;
                break;
            case CompletionItem done:
                state.SetText(done.Text);
                if (done.Refusal is { Length: > 0 }) state.AddRefusal(done.Refusal);
                state.FinishReason = done.FinishReason;
                state.Usage = done.Usage;
                if (done.ResponseId.Length > 0) state.ResponseId = done.ResponseId;
                if (done.Model.Length > 0) state.Model = done.Model;
                break;
            case RetryItem retry:
                llm.Raise(new RetryEvent
                {
                    Attempt = retry.Notice.Attempt,
                    StatusCode = retry.Notice.StatusCode,
                    Delay = retry.Notice.Delay,
                    Reason = retry.Notice.Reason,
                });
                break;
            case ToolCallsItem calls:
                state.ToolCalls = calls.Calls;
                break;
            case ErrorItem error:
                ExceptionDispatchInfo.Capture(error.Error).Throw();
                break;
        }
    }

    private static async Task Produce(
        ChatRequest request, string model, IReadOnlyList<ChatMessage> messages, LlmConnection connection,
        BlockingCollection<StreamItem> queue, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        RetryNotice.Current = notice => queue.Add(new RetryItem(clock.Elapsed, notice), token);
        try
        {
            var chat = connection.Chat(model);
            var sdkMessages = SdkMapping.ToSdk(messages);
            var options = SdkMapping.ToOptions(request);
            if (request.Stream)
            {
                var announced = false;
                var toolCalls = new ToolCallAccumulator();
                await foreach (var update in chat.CompleteChatStreamingAsync(sdkMessages, options, token).ConfigureAwait(false))
                {
                    if (!announced && (!string.IsNullOrEmpty(update.CompletionId) || !string.IsNullOrEmpty(update.Model)))
                    {
                        queue.Add(new ResponseInfoItem(clock.Elapsed, update.CompletionId ?? string.Empty, update.Model ?? string.Empty), token);
                        announced = true;
                    }
                    foreach (var part in update.ContentUpdate)
                        if (!string.IsNullOrEmpty(part.Text)) queue.Add(new TokenItem(clock.Elapsed, part.Text), token);
                    if (!string.IsNullOrEmpty(update.RefusalUpdate)) queue.Add(new RefusalItem(clock.Elapsed, update.RefusalUpdate), token);
                    if (update.FinishReason is not null) queue.Add(new FinishItem(clock.Elapsed, SdkMapping.FinishReason(update.FinishReason)), token);
                    if (update.Usage is not null) queue.Add(new UsageItem(clock.Elapsed, SdkMapping.Usage(update.Usage)!), token);
                    if (update.ToolCallUpdates.Count > 0) toolCalls.Add(update.ToolCallUpdates);
                }
                if (!toolCalls.IsEmpty) queue.Add(new ToolCallsItem(clock.Elapsed, toolCalls.Build()), token);
            }
            else
            {
                var completion = (await chat.CompleteChatAsync(sdkMessages, options, token).ConfigureAwait(false)).Value;
                queue.Add(new CompletionItem(
                    clock.Elapsed,
                    SdkMapping.Text(completion.Content),
                    completion.Refusal,
                    SdkMapping.FinishReason(completion.FinishReason),
                    SdkMapping.Usage(completion.Usage),
                    completion.Id ?? string.Empty,
                    completion.Model ?? string.Empty), token);
                if (completion.ToolCalls.Count > 0) queue.Add(new ToolCallsItem(clock.Elapsed, SdkMapping.ToolCalls(completion.ToolCalls)), token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The run stopped reading; nobody is waiting for this attempt's outcome.
        }
        catch (Exception error)
        {
            try { queue.Add(new ErrorItem(clock.Elapsed, error), token); }
            catch (OperationCanceledException) { }
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    private static IReadOnlyDictionary<string, object?> ChainInputs(ChatRequest request)
    {
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal) { ["prompt"] = request.Prompt };
        if (!string.IsNullOrEmpty(request.System)) inputs["system"] = request.System;
        if (request.History.Count > 0) inputs["history"] = request.History;
        return inputs;
    }

    /// <summary>Waits briefly for the reader to finish so its exceptions are observed, never long.</summary>
    private static void ObserveQuietly(Task producer)
    {
        try { producer.Wait(TimeSpan.FromSeconds(2)); }
        catch (AggregateException) { }
    }
}
