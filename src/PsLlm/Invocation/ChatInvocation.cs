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

    /// <summary>How long a finished chat keeps pumping for event actions still on their way.</summary>
    private static readonly TimeSpan TrailingEventBudget = TimeSpan.FromMilliseconds(40);

    public ChatInvocation(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
        _pump = new ActionPump(cmdlet.Events);
        _warnings = new WarningErrorSink(cmdlet);
    }

    /// <summary>Called from StopProcessing on another thread: only signals.</summary>
    public void Stop() => _stop.Cancel();

    public ChatResponse? Run(ChatParameters p)
    {
        IEnumerable<CallbackHandler> runHandlers = Array.Empty<CallbackHandler>();
        using var hostText = HostWriter.Through(_cmdlet);
        try
        {
            var client = ClientResolver.Resolve(p.Client ?? p.Session?.Client);
            var request = new ChatRequest
            {
                Prompt = p.Prompt ?? string.Empty,
                Attachments = AttachmentArgument.ToAttachments(_cmdlet, p.Attachment),
                System = p.System,
                Model = p.Model ?? p.Session?.Model,
                Temperature = p.Temperature,
                TopP = p.TopP,
                MaxTokens = p.MaxTokens,
                Stop = p.Stop ?? Array.Empty<string>(),
                Seed = p.Seed,
                Stream = p.Stream || p.AsEvents,
                Tags = p.Tag ?? Array.Empty<string>(),
                Metadata = MetadataArgument.ToDictionary(p.Metadata),
                Callbacks = CallbackArgument.ToHandlers(p.Callback).Concat(p.AsEvents ? new[] { PipelineWriter.Events(_cmdlet.WriteObject, () => _cmdlet.Stopping) } : Array.Empty<CallbackHandler>()).ToArray(),
                Session = p.Session,
                Tools = p.Tool ?? Array.Empty<LlmTool>(),
                ToolChoice = p.ToolChoice,
                MaxToolRounds = p.MaxToolRounds,
                ResponseFormat = p.JsonSchema is not null
                    ? ResponseFormatSpec.JsonSchema(p.SchemaName, JsonText.FromSchema(p.JsonSchema, _cmdlet), strict: true)
                    : p.JsonMode ? ResponseFormatSpec.JsonObject : null,
            };

            var local = RunHandlers.For(_cmdlet, client, client);
            if (p.Stream && !p.AsEvents && p.WriteTokens) local.Add(PipelineWriter.Tokens(_cmdlet.WriteObject, () => _cmdlet.Stopping, p.IncludeReasoning));
            local.AddRange(p.ExtraHandlers);

            runHandlers = local.Concat(client.Callbacks).Concat(request.Callbacks).ToList();
            var options = new RunOptions
            {
                LocalHandlers = local,
                Pump = p.Interrupt is null ? _pump : new TurnInterrupt.PollingPump(_pump, p.Interrupt),
                ErrorSink = _warnings,
                ApproveTool = p.ApproveTool ?? ((tool, call) => _cmdlet.ShouldProcess($"{tool.Name} {call.Arguments}", "Run tool")),
            };

            var plan = ChatEngine.Plan(client, request);
            // The chat is billed, so -WhatIf sends nothing; -Confirm asks. Otherwise it is never asked
            // about (ShouldProcess stays for approval-gated tools, whose ConfirmImpact the cmdlet has).
            if (WhatIfOrConfirmAsked() && !_cmdlet.ShouldProcess(plan.EndpointHost, $"Send chat ({plan.MessageCount} message{(plan.MessageCount == 1 ? "" : "s")}, model {plan.Model})"))
                return null;
            _cmdlet.WriteVerbose($"Chat with {plan.Endpoint}, model {plan.Model}{(request.Stream ? ", streamed" : string.Empty)}.");
            ChatResponse response;
            using (var both = p.Interrupt is null ? null : CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, p.Interrupt.Token))
                response = ChatEngine.Run(client, request, options, both?.Token ?? _stop.Token);
            _pump.Flush(TrailingEventBudget);
            if (request.ResponseFormat is not null) response.Object = JsonText.ToObject(response.Text, _cmdlet);
            _cmdlet.WriteVerbose($"{response.Model} answered in {response.Duration.TotalMilliseconds:0} ms ({response.FinishReason}; {response.Usage?.ToString() ?? "no usage"}).");
            return response;
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
            if (stopped.InnerException is LlmException cancelled) KeepInErrorVariable(LlmErrorRecords.From(cancelled, p.Prompt));
            throw new PipelineStoppedException();
        }
        catch (LlmException error)
        {
            _pump.Flush(TrailingEventBudget);
            // A downstream Select-Object -First (or Ctrl+C) surfaced through a writer: let PowerShell see it.
            if (FindPipelineStop(error) is { } stopped) ExceptionDispatchInfo.Capture(stopped).Throw();
            if (p.Session is not null)
                _cmdlet.WriteWarning("The turn failed; the session's history is unchanged.");
            var record = LlmErrorRecords.From(error, p.Prompt);
            if (error.Kind == LlmErrorKind.InvalidInput && error.ParameterName is "Endpoint" || error.ErrorId == "LlmApiKeyMissing")
                _cmdlet.ThrowTerminatingError(record);
            _cmdlet.WriteError(record);
            return null;
        }
        finally
        {
            FlushWarnings(runHandlers);
        }
    }

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
        _pump.Dispose();
        _stop.Dispose();
    }
}
