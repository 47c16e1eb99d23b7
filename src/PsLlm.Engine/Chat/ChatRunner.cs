using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Tools;
using PsLlm.Engine.Transport;
using PsLlm.Engine.Wire;

namespace PsLlm.Engine.Chat;

/// <summary>
/// Runs one chat as a chain run with a chat-model run under it. HTTP is read on a background task
/// into a bounded queue; the caller's thread (the PowerShell pipeline thread) takes items from it,
/// raises the events and pumps between items, so every handler runs on that thread, in order,
/// while the answer is still arriving.
/// </summary>
internal sealed class ChatRunner
{
    private readonly LlmClient _client;

    public ChatRunner(LlmClient client) => _client = client;

    /// <summary>
    /// What <see cref="Invoke"/> would send, without sending it (for -WhatIf): the model, how many
    /// messages, and where. Checks the request first, as Invoke does.
    /// </summary>
    public ChatPlan Plan(ChatRequest request)
    {
        ChatRequestValidator.Validate(request, _client);
        var model = string.IsNullOrWhiteSpace(request.Model) ? _client.Model : request.Model!;
        var messages = BuildConversation(request, request.Session, request.BuildPrompt());
        return new ChatPlan(model, messages.Count, _client.Endpoint.Host, EndpointRules.Display(_client.Endpoint));
    }

    /// <summary>
    /// The body this chat would send, not streamed (a batch's request line): checked as
    /// <see cref="Invoke"/> checks it.
    /// </summary>
    public BinaryData Body(ChatRequest request)
    {
        ChatRequestValidator.Validate(request, _client);
        var model = string.IsNullOrWhiteSpace(request.Model) ? _client.Model : request.Model!;
        return ChatRequestWriter.Write(request, model, BuildConversation(request, request.Session, request.BuildPrompt()), streamUsage: false);
    }

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
        var chain = parent?.StartChild(chainScope, cancellationToken) ?? CallbackManager.StartRoot(chainScope, options.ErrorSink, cancellationToken);
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
                llm = chain.StartChild(runScope, cancellationToken);
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
                        InvocationParameters = request.InvocationParameters(model),
                        Model = model,
                        Endpoint = EndpointRules.Display(_client.Endpoint),
                    });

                    Execute(request, model, messages, connection, llm, state, options, cancellationToken);
                    turn.CountRound(state.Usage);
                    final = state.ToolCalls.Count == 0;
                    if (final) turn.AddAnswer(state.ToAssistantMessage());
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

                var assistant = state.ToAssistantMessage();
                messages.Add(assistant);
                turn.AddToolRound(assistant);
                if (turn.ToolRounds > request.MaxToolRounds)
                    throw new LlmException(LlmErrorKind.ToolRoundsExceeded, "LlmMaxToolRoundsExceeded",
                        $"The model was still calling tools after {request.MaxToolRounds} rounds ({string.Join(", ", state.ToolCalls)}); the transcript is on the error's PartialResponse.")
                    { RecommendedAction = "Raise -MaxToolRounds, or make the tools' answers more conclusive." };
                var images = new List<ChatAttachment>();
                foreach (var call in state.ToolCalls)
                {
                    var context = new LlmToolContext(cancellationToken, options.ToolVerbose, options.ToolProgress);
                    // Tools are PowerShell code: on the owner thread when this chat runs on a worker.
                    var result = OwnerThread.Run(() => ToolCallExecutor.Execute(call, request.Tools, chain, runScope, options.ApproveTool, context));
                    var answer = new ChatMessage("tool", result.Output) { ToolCallId = call.Id, Name = call.Name };
                    messages.Add(answer);
                    turn.AddToolResult(result, answer);
                    images.AddRange(context.Images);
                }
                // A tool message carries text only: images the tools gave follow their results, as the user's.
                if (images.Count > 0)
                {
                    var shown = new ChatMessage("user", $"The image{(images.Count == 1 ? "" : "s")} the tools returned: {string.Join(", ", images.Select(i => i.Name))}.") { Attachments = images };
                    messages.Add(shown);
                    turn.AddAnswer(shown);
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
    internal static List<ChatMessage> BuildConversation(ChatRequest request, ChatSession? session, ChatMessage prompt)
    {
        var messages = new List<ChatMessage>();
        var system = request.BuildSystem() ?? (string.IsNullOrEmpty(session?.System) ? null : new ChatMessage("system", session!.System!));
        if (system is not null) messages.Add(system);
        messages.AddRange(session is null ? request.History : HistoryTrimmer.Trim(session.Messages, session.MaxHistory, session.MaxTokens));
        messages.Add(prompt);
        return messages;
    }

    private static void Execute(
        ChatRequest request, string model, IReadOnlyList<ChatMessage> messages, LlmConnection connection,
        CallbackManager llm, ChatRunState state, RunOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var queue = new RunQueue(options.QueueCapacity);
            var body = ChatRequestWriter.Write(request, model, messages, streamUsage: request.Stream && !connection.StreamUsageUnsupported);
            var producer = Task.Run(() => Produce(request.Stream, body, connection, queue, attempt.Token), CancellationToken.None);
            try
            {
                Drain(queue, producer, llm, state, options, request.Stream, cancellationToken);
                return;
            }
            catch (ClientResultException rejected) when (IsStreamUsageRejection(rejected, request, state, connection))
            {
                // Some compatible servers refuse stream_options; ask again without it, once.
                connection.StreamUsageUnsupported = true;
            }
            finally
            {
                attempt.Cancel();
                ObserveQuietly(producer);
            }
        }
    }

    private static bool IsStreamUsageRejection(ClientResultException rejected, ChatRequest request, ChatRunState state, LlmConnection connection) =>
        request.Stream && !connection.StreamUsageUnsupported && state.TokenCount == 0
        && rejected.Status is 400 or 422
        && (rejected.GetRawResponse()?.Content?.ToString() ?? rejected.Message).Contains("stream_options", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Takes what the reader queued, a batch at a time, and raises its events; pumps PowerShell's
    /// event queue after each batch and while waiting. Returns when the reader has finished.
    /// </summary>
    private static void Drain(RunQueue queue, Task producer, CallbackManager llm, ChatRunState state, RunOptions options, bool streamed, CancellationToken cancellationToken)
    {
        var batch = new List<StreamItem>();
        while (true)
        {
            queue.TakeBatch(batch, options.PollInterval, cancellationToken);
            foreach (var item in batch) Apply(item, llm, state, streamed);
            options.Pump?.Pump();
            if (queue.IsDone)
            {
                // The reader also finishes, quietly, when it is stopped: a stopped run is not a finished one.
                cancellationToken.ThrowIfCancellationRequested();
                return;
            }
            // A reader that could not even start (nothing queued, never completed) must not hang the run.
            if (batch.Count == 0 && producer.IsCompleted && !queue.IsDone && producer.Exception is { } broken)
                ExceptionDispatchInfo.Capture(broken.InnerException ?? broken).Throw();
        }
    }

    internal static void Apply(StreamItem item, CallbackManager llm, ChatRunState state, bool streamed)
    {
        switch (item)
        {
            case TokenItem token:
                RaiseToken(llm, state, token.Text, token.Kind, token.Elapsed);
                break;
            case ResponseInfoItem info:
                state.Identify(info.ResponseId, info.Model);
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
                // A streamed request answered with one JSON body still shows its text as tokens.
                if (streamed)
                {
                    if (done.Reasoning is { Length: > 0 } thought) RaiseToken(llm, state, thought, ChatTokenKind.Reasoning, done.Elapsed);
                    if (done.Text.Length > 0) RaiseToken(llm, state, done.Text, ChatTokenKind.Text, done.Elapsed);
                }
                else
                {
                    state.SetText(done.Text);
                    state.SetReasoning(done.Reasoning);
                }
                if (done.Refusal is { Length: > 0 }) state.AddRefusal(done.Refusal);
                state.FinishReason = done.FinishReason;
                state.Usage = done.Usage;
                state.Identify(done.ResponseId, done.Model);
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
            case MessageFieldsItem fields:
                state.MessageFields = fields.Fields;
                break;
            case ErrorItem error:
                ExceptionDispatchInfo.Capture(error.Error).Throw();
                break;
        }
    }

    private static void RaiseToken(CallbackManager llm, ChatRunState state, string text, ChatTokenKind kind, TimeSpan elapsed)
    {
        var index = state.AddToken(text, kind, elapsed);
        llm.Raise(new LlmNewTokenEvent
        {
            Token = text,
            Index = index,
            TokenKind = kind,
            Chunk = new ChatToken { Text = text, Index = index, Kind = kind, RunId = llm.RunId, Elapsed = elapsed },
        });
    }

    /// <summary>Sends the request and reads the answer on a background task; everything it learns goes to the queue.</summary>
    private static async Task Produce(bool stream, BinaryData body, LlmConnection connection, RunQueue queue, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        RetryNotice.Current = notice => queue.AddFinal(new RetryItem(clock.Elapsed, notice));
        try
        {
            var options = new RequestOptions { BufferResponse = !stream, CancellationToken = token };
            var result = await connection.Chat.CompleteChatAsync(BinaryContent.Create(body), options).ConfigureAwait(false);
            using var response = result.GetRawResponse();
            var reader = new ChatResponseReader(queue, clock, connection.Redactor);
            var content = stream ? response.ContentStream ?? Stream.Null : response.Content.ToStream();
            await reader.ReadAsync(content, stream ? connection.StreamIdleTimeout : null, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The run stopped reading; nobody is waiting for this attempt's outcome.
        }
        catch (Exception error)
        {
            queue.AddFinal(new ErrorItem(clock.Elapsed, error));
        }
        finally
        {
            RetryNotice.Current = null;
            queue.Complete();
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
