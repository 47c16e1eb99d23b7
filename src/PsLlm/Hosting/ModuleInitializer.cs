using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace PsLlm.Hosting;

/// <summary>
/// Runs at Import-Module, before PowerShell scans the cmdlets: from then on a request for
/// PsLlm.Engine in the default context is answered from <see cref="EngineLoadContext"/>. Only
/// that one name is resolved, so the handler never interferes with other modules.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int _subscribed;
    private static readonly ConditionalWeakTable<Runspace, PSEventSubscriber> ExitWatch = new();

    /// <summary>Import-Module: from now on PsLlm.Engine resolves into its own load context.</summary>
    public void OnImport()
    {
        // Leaving PowerShell: the session's async callbacks finish first, for a bounded time,
        // while their runspaces still work — PowerShell raises Exiting on the closing thread before
        // it stops pipelines and disposes the other runspaces (ProcessExit comes too late).
        if (Runspace.DefaultRunspace is { } session && !ExitWatch.TryGetValue(session, out _))
            ExitWatch.Add(session, session.Events.SubscribeEvent(null, null, PSEngineEvent.Exiting, null,
                (_, _) => StopAsyncCallbacks(State.ModuleState.For(session), TimeSpan.FromSeconds(5)), supportEvent: true, forwardEvent: false));
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    /// <summary>
    /// Remove-Module: the session's async callbacks get up to 5 seconds in all to finish what they
    /// have queued, then stop; PsLlm.Engine is no longer resolved (what is loaded stays loaded).
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        StopAsyncCallbacks(State.ModuleState.Current, TimeSpan.FromSeconds(5));
        if (Runspace.DefaultRunspace is { } session && ExitWatch.TryGetValue(session, out var watch))
        {
            session.Events.UnsubscribeEvent(watch);
            ExitWatch.Remove(session);
        }
        if (Interlocked.Exchange(ref _subscribed, 0) == 1)
            AssemblyLoadContext.Default.Resolving -= ResolveEngine;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, "PsLlm.Engine", StringComparison.OrdinalIgnoreCase)
            ? EngineLoadContext.Instance.LoadFromAssemblyName(name)
            : null;

    private static void StopAsyncCallbacks(State.ModuleState state, TimeSpan total)
    {
        var deadline = DateTime.UtcNow + total;
        foreach (var registration in state.Registrations)
        {
            if (registration.AsyncHandler is not { IsStopped: false } handler) continue;
            var left = deadline - DateTime.UtcNow;
            handler.Stop(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }
}
