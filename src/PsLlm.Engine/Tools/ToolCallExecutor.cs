using System.Diagnostics;
using PsLlm.Engine.Callbacks;

namespace PsLlm.Engine.Tools;

/// <summary>
/// Runs one tool call the model asked for, as a tool run under the chain: AgentAction, then
/// ToolStart and ToolEnd or ToolError. Only tools given with the request can run, and only with
/// arguments their schema allows; anything else, and any exception from the tool, goes back to
/// the model as text so it can recover. Approval-gated tools run only when the host approves.
/// </summary>
internal static class ToolCallExecutor
{
    public const string NotApproved = "Not executed: running this tool was not approved (-WhatIf, or declined at the confirmation prompt).";

    public static ToolCallResult Execute(
        ToolCall call,
        IReadOnlyList<LlmTool> tools,
        CallbackManager chain,
        CallbackScope runScope,
        Func<LlmTool, ToolCall, bool>? approve,
        LlmToolContext context)
    {
        var cancellationToken = context.CancellationToken;
        chain.Raise(new AgentActionEvent { ToolName = call.Name, Arguments = call.Arguments, ToolCallId = call.Id });
        var run = chain.StartChild(runScope, cancellationToken);
        using var active = run.Activate();
        var named = tools.FirstOrDefault(t => string.Equals(t.Name, call.Name, StringComparison.Ordinal));
        var server = named?.McpServer;
        run.Raise(new ToolStartEvent { ToolName = call.Name, Arguments = call.Arguments, ToolCallId = call.Id, McpServer = server });
        var clock = Stopwatch.StartNew();

        string output;
        Exception? failure = null;
        var executed = false;
        try
        {
            var tool = named ?? throw NoSuchTool(call.Name, tools);
            var arguments = CheckedArguments(tool, call.Arguments);
            if (tool.RequireApproval && approve is not null && !approve(tool, call))
            {
                output = NotApproved;
            }
            else
            {
                executed = true;
                output = ToolOutputLimit.Apply(tool.Invoke(arguments, context));
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            failure = ex;
            output = ToolOutputLimit.Apply($"Error: {Cause(ex).Message}");
        }

        if (failure is null)
            run.Raise(new ToolEndEvent { ToolName = call.Name, ToolCallId = call.Id, Output = output, Duration = clock.Elapsed, McpServer = server });
        else
            run.Raise(new ToolErrorEvent { ToolName = call.Name, ToolCallId = call.Id, Error = failure, Output = output, McpServer = server });

        return new ToolCallResult { Call = call, Output = output, Succeeded = failure is null, Executed = executed && failure is null, Duration = clock.Elapsed };
    }

    /// <summary>The model (or an MCP client) named a tool that was not given: the message names those that were.</summary>
    internal static ToolArgumentException NoSuchTool(string name, IReadOnlyList<LlmTool> tools) =>
        new($"There is no tool named '{name}'. Available tools: {string.Join(", ", tools.Select(t => t.Name))}.");

    /// <summary>The arguments as the tool's schema allows them, and as the tool itself accepts them; throws otherwise, before anything runs.</summary>
    internal static IReadOnlyDictionary<string, object?> CheckedArguments(LlmTool tool, string argumentsJson)
    {
        var arguments = ToolArgumentReader.Read(argumentsJson, tool.ParametersSchema);
        tool.CheckArguments(arguments);
        return arguments;
    }

    /// <summary>PowerShell wraps a command's failure (MethodInvocationException, …); the model needs the cause.</summary>
    internal static Exception Cause(Exception error)
    {
        while (error.InnerException is not null && error.GetType().Name is "MethodInvocationException" or "TargetInvocationException" or "AggregateException")
            error = error.InnerException;
        return error;
    }
}
