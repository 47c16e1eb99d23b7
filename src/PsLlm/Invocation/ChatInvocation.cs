using System.Collections;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;

namespace PsLlm.Invocation;

/// <summary>
/// Runs chats for one Invoke-LlmChat invocation: assembles the request and the run's handlers
/// (registrations, the client's own, delivery to the pipeline and to engine events), runs the
/// engine on the pipeline thread and turns failures into ErrorRecords.
/// </summary>
internal sealed class ChatInvocation : IDisposable
{
    private readonly PSCmdlet _cmdlet;
    private readonly CancellationTokenSource _stop = new();
    private readonly ActionPump _pump;
    private readonly WarningErrorSink _warnings;
    private readonly CommandCallbacks _callbacks;
    private ConcurrentChats? _concurrent;
    private BatchProgress? _progress;

    /// <summary>The progress bar of a running tool, apart from the pipeline's own (<see cref="BatchProgress"/>).</summary>
    private const int ToolProgressId = 0x70_01;

    /// <summary>How long a finished chat keeps pumping for event actions still on their way.</summary>
    private static readonly TimeSpan TrailingEventBudget = TimeSpan.FromMilliseconds(40);

    public ChatInvocation(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
        _pump = new ActionPump(cmdlet.Events);
        _warnings = new WarningErrorSink(cmdlet);
        _callbacks = new CommandCallbacks(cmdlet);
    }

    /// <summary>Called from StopProcessing on another thread: only signals.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _callbacks.Stop();
    }

    /// <summary>
    /// At the command's end: waits for the async scriptblocks given with -Callback and writes what
    /// they wrote (<see cref="CommandCallbacks.Finish"/>).
    /// </summary>
    public void FinishCallbacks() => _callbacks.Finish();

    /// <summary>
    /// Runs one chat on this thread and returns its response; null when it failed (the error was
    /// written) or -WhatIf sent nothing.
    /// </summary>
    public ChatResponse? Run(ChatParameters p)
    {
        IEnumerable<CallbackHandler> runHandlers = Array.Empty<CallbackHandler>();
        using var hostText = HostWriter.Through(_cmdlet);
        var progress = p.ShowProgress ? _progress ??= new BatchProgress(_cmdlet, "Invoke-LlmChat") : null;
        bool started = false, ended = false;
        try
        {
            var chat = Prepare(p);
            runHandlers = chat.Handlers;
            if (!MayRun(chat)) return null;
            progress?.Started();
            started = true;
            ChatResponse response;
            var options = p.Interrupt is null ? chat.Options : chat.Options with { Pump = new TurnInterrupt.PollingPump(_pump, p.Interrupt) };
            using (var both = p.Interrupt is null ? null : CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, p.Interrupt.Token))
                response = ChatEngine.Run(chat.Client, chat.Request, options, both?.Token ?? _stop.Token);
            _pump.Flush(TrailingEventBudget);
            progress?.Ended(failed: false);
            ended = true;
            return Finish(chat, response);
        }
        catch (OperationCanceledException interrupted) when (!_stop.IsCancellationRequested && p.Interrupt is { Requested: true })
        {
            // Only this turn was stopped: what arrived is the answer, marked partial; the session
            // took nothing from the turn.
            _pump.Flush(TrailingEventBudget);
            return (interrupted.InnerException as LlmException)?.PartialResponse ?? new ChatResponse { IsPartial = true };
        }
        catch (OperationCanceledException stopped) when (_stop.IsCancellationRequested)
        {
            // Ctrl+C: nothing can be written any more, but what arrived must not be lost, so the
            // record (its exception keeps PartialText and PartialResponse) goes straight into $Error.
            if (stopped.InnerException is LlmException cancelled) KeepInErrorVariable(LlmErrorRecords.From(cancelled, p.InputObject ?? p.Prompt));
            throw new PipelineStoppedException();
        }
        catch (LlmException error)
        {
            _pump.Flush(TrailingEventBudget);
            progress?.Ended(failed: true);
            ended = true;
            Fail(error, p);
            return null;
        }
        finally
        {
            if (started && !ended && !_cmdlet.Stopping) progress?.Ended(failed: true);
            FlushWarnings(runHandlers);
        }
    }

    /// <summary>Takes the progress bar away at the end of the pipeline, if one was shown.</summary>
    public void EndProgress()
    {
        if (!_stop.IsCancellationRequested) _progress?.Completed();
    }

    /// <summary>
    /// Adds one chat to those running at once (-ThrottleLimit above 1), waiting while as many run
    /// as may; writes the outcomes of chats that ended meanwhile through <paramref name="write"/>.
    /// A chat refused before it starts (bad input, -WhatIf) is written as an error at once.
    /// </summary>
    public void Add(ChatParameters p, int throttleLimit, bool ordered, Action<ChatResponse> write)
    {
        using var hostText = HostWriter.Through(_cmdlet);
        _concurrent ??= new ConcurrentChats(throttleLimit, ordered, _stop.Token);
        _progress ??= new BatchProgress(_cmdlet, "Invoke-LlmChat");
        try
        {
            var chat = Prepare(p);
            if (!MayRun(chat)) return;
            _concurrent.Add(chat.Client, chat.Request, chat.Options, chat);
            _progress.Started();
        }
        catch (LlmException error)
        {
            try
            {
                Fail(error, p);
            }
            catch
            {
                // A terminating error (LlmApiKeyMissing): the chats under way stop with it.
                WindDown(keep: true);
                throw;
            }
        }
        while (_concurrent.IsFull) Deliver(_concurrent.Wait(_pump), write);
    }

    /// <summary>Waits for every chat added with <see cref="Add"/>, writing their outcomes.</summary>
    public void Complete(Action<ChatResponse> write)
    {
        if (_concurrent is null) return;
        using var hostText = HostWriter.Through(_cmdlet);
        while (_concurrent.Outstanding > 0) Deliver(_concurrent.Wait(_pump), write);
        _pump.Flush(TrailingEventBudget);
    }

    private void Deliver(IReadOnlyList<ConcurrentChatOutcome> outcomes, Action<ChatResponse> write)
    {
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            var chat = (PreparedChat)outcome.Input!;
            try
            {
                // Ctrl+C: nothing can be written any more (the catch below keeps the rest in $Error).
                if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
                if (outcome.Response is { } response)
                {
                    _progress!.Ended(failed: false);
                    write(Finish(chat, response));
                }
                else
                {
                    _progress!.Ended(failed: true);
                    var error = outcome.Error as LlmException ?? outcome.Error?.InnerException as LlmException;
                    // Anything but an LlmException is a fault of PsLlm itself: let it be seen as it is.
                    if (error is null) ExceptionDispatchInfo.Capture(outcome.Error!).Throw();
                    Fail(error!, chat.Parameters);
                }
            }
            catch (Exception stop) when (stop is PipelineStoppedException || FindPipelineStop(stop) is not null)
            {
                // Ctrl+C keeps what is left in $Error; a downstream Select-Object -First wanted no more.
                var ctrlC = _stop.IsCancellationRequested;
                if (ctrlC) KeepStopped(outcomes.Skip(i));
                WindDown(keep: ctrlC);
                throw;
            }
            catch
            {
                // A terminating error (LlmApiKeyMissing, a fault): nothing may go on running behind it.
                WindDown(keep: true);
                throw;
            }
            finally
            {
                FlushWarnings(chat.Handlers);
            }
        }
    }

    /// <summary>Stops every chat still running and waits for each to end; <paramref name="keep"/>: their outcomes go to $Error.</summary>
    private void WindDown(bool keep)
    {
        if (_concurrent is null) return;
        _stop.Cancel();
        while (_concurrent.Outstanding > 0)
        {
            var outcomes = _concurrent.Wait(pump: null);
            if (keep) KeepStopped(outcomes);
        }
    }

    private void KeepStopped(IEnumerable<ConcurrentChatOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            var chat = (PreparedChat)outcome.Input!;
            var error = outcome.Response is { } late
                ? new LlmException(LlmErrorKind.Cancelled, "LlmNotWritten", "The answer arrived after the pipeline was stopped; it is on the error's PartialResponse.") { PartialResponse = Finish(chat, late) }
                : outcome.Error as LlmException ?? outcome.Error?.InnerException as LlmException;
            if (error is not null) KeepInErrorVariable(LlmErrorRecords.From(error, chat.Parameters.InputObject ?? chat.Parameters.Prompt));
        }
    }

    /// <summary>
    /// Everything one chat needs before it is sent: its client, request, handlers and run options,
    /// checked (a missing attachment, a bad schema or endpoint throw LlmException here).
    /// </summary>
    private PreparedChat Prepare(ChatParameters p)
    {
        var client = ClientResolver.Resolve(p.Client ?? p.Session?.Client);
        var request = ChatRequestFactory.Build(_cmdlet, p,
            _callbacks.For(p.Callback).Concat(p.AsEvents ? new[] { PipelineWriter.Events(_cmdlet.WriteObject, () => _cmdlet.Stopping) } : Array.Empty<CallbackHandler>()).ToArray());

        var local = RunHandlers.For(_cmdlet, client, client);
        if (p.Stream && !p.AsEvents && p.WriteTokens) local.Add(PipelineWriter.Tokens(_cmdlet.WriteObject, () => _cmdlet.Stopping, p.IncludeReasoning));
        local.AddRange(p.ExtraHandlers);
        var options = new RunOptions
        {
            LocalHandlers = local,
            Pump = _pump,
            ErrorSink = _warnings,
            ApproveTool = p.ApproveTool ?? ((tool, call) => _cmdlet.ShouldProcess($"{tool.Name} {call.Arguments}", "Run tool")),
            // A tool's messages and progress (an MCP server's log and progress notifications) go through this command.
            ToolVerbose = _cmdlet.WriteVerbose,
            ToolProgress = (activity, status, percent) => _cmdlet.WriteProgress(new ProgressRecord(ToolProgressId, activity, status)
            {
                PercentComplete = Math.Min(percent, 100),
                RecordType = percent >= 100 ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            }),
        };
        return new PreparedChat(p, client, request, options, local.Concat(client.Callbacks).Concat(request.Callbacks).ToList());
    }

    /// <summary>
    /// The chat is billed, so -WhatIf sends nothing and -Confirm asks; otherwise it is never asked
    /// about (ShouldProcess stays for approval-gated tools, whose ConfirmImpact the cmdlet has).
    /// </summary>
    private bool MayRun(PreparedChat chat)
    {
        var plan = ChatEngine.Plan(chat.Client, chat.Request);
        if (WhatIfOrConfirmAsked() && !_cmdlet.ShouldProcess(plan.EndpointHost, $"Send chat ({plan.MessageCount} message{(plan.MessageCount == 1 ? "" : "s")}, model {plan.Model})"))
            return false;
        _cmdlet.WriteVerbose($"Chat with {plan.Endpoint}, model {plan.Model}{(chat.Request.Stream ? ", streamed" : string.Empty)}.");
        return true;
    }

    /// <summary>A response as Invoke-LlmChat hands it out: its prompt and input, the parsed JSON when asked for.</summary>
    private ChatResponse Finish(PreparedChat chat, ChatResponse response)
    {
        response.Prompt = chat.Request.Prompt;
        response.InputObject = chat.Parameters.InputObject;
        if (chat.Request.ResponseFormat is not null) response.Object = JsonText.ToObject(response.Text, _cmdlet);
        _cmdlet.WriteVerbose($"{response.Model} answered in {response.Duration.TotalMilliseconds:0} ms ({response.FinishReason}; {response.Usage?.ToString() ?? "no usage"}).");
        return response;
    }

    private void Fail(LlmException error, ChatParameters p)
    {
        // A downstream Select-Object -First (or Ctrl+C) surfaced through a writer: let PowerShell see it.
        if (FindPipelineStop(error) is { } stopped) ExceptionDispatchInfo.Capture(stopped).Throw();
        if (p.Session is not null)
            _cmdlet.WriteWarning("The turn failed; the session's history is unchanged.");
        var record = LlmErrorRecords.From(error, p.InputObject ?? p.Prompt);
        if (error.Kind == LlmErrorKind.InvalidInput && error.ParameterName is "Endpoint" || error.ErrorId == "LlmApiKeyMissing")
            _cmdlet.ThrowTerminatingError(record);
        _cmdlet.WriteError(record);
    }

    /// <summary>One chat made ready: what was bound, the client, the request, the run's options and every handler it reaches.</summary>
    private sealed record PreparedChat(ChatParameters Parameters, LlmClient Client, ChatRequest Request, RunOptions Options, IReadOnlyList<CallbackHandler> Handlers);

    private bool WhatIfOrConfirmAsked()
    {
        var bound = _cmdlet.MyInvocation.BoundParameters;
        if (bound.TryGetValue("WhatIf", out var whatIf)) return ((SwitchParameter)whatIf).IsPresent;
        if (bound.TryGetValue("Confirm", out var confirm) && ((SwitchParameter)confirm).IsPresent) return true;
        return LanguagePrimitives.IsTrue(_cmdlet.GetVariableValue("WhatIfPreference"));
    }

    private void KeepInErrorVariable(ErrorRecord record)
    {
        if (_cmdlet.GetVariableValue("global:Error") is System.Collections.ArrayList errors)
            lock (errors.SyncRoot) errors.Insert(0, record);
    }

    private void FlushWarnings(IEnumerable<CallbackHandler> runHandlers)
    {
        try
        {
            _warnings.Flush();
            if (!_cmdlet.Stopping) LossWarnings.Write(_cmdlet, runHandlers);
        }
        catch (PipelineStoppedException)
        {
            // The pipeline is going away: there is no one left to warn.
        }
    }

    private static PipelineStoppedException? FindPipelineStop(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
            if (error is PipelineStoppedException stopped) return stopped;
        return null;
    }

    public void Dispose()
    {
        // Whatever ended the command, no chat of it may go on running behind it.
        if (_concurrent is { Outstanding: > 0 }) WindDown(keep: false);
        _concurrent?.Dispose();
        _callbacks.Dispose();
        _pump.Dispose();
        _stop.Dispose();
    }
}
