using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PsLlm.State;

/// <summary>
/// Lets a session's registered async callbacks finish, for a bounded time, when the session goes:
/// at Remove-Module, and when PowerShell exits — on its Exiting event, raised on the closing
/// thread before PowerShell stops pipelines and disposes the handlers' runspaces (process exit
/// comes too late for them). The Exiting subscription is made only once a session registers an
/// async callback, so sessions without one keep PowerShell's event subscription ids untouched.
/// </summary>
internal static class AsyncCallbackShutdown
{
    /// <summary>How long all of a session's async callbacks get in all.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    private static readonly ConditionalWeakTable<Runspace, PSEventSubscriber> Watched = new();

    /// <summary>From now on, leaving <paramref name="session"/> lets its async callbacks finish.</summary>
    public static void Watch(Runspace session)
    {
        lock (Watched)
        {
            if (Watched.TryGetValue(session, out _)) return;
            Watched.Add(session, session.Events.SubscribeEvent(null, null, PSEngineEvent.Exiting, null,
                (_, _) => StopAll(ModuleState.For(session)), supportEvent: true, forwardEvent: false));
        }
    }

    /// <summary>The module is removed: stops watching <paramref name="session"/> after letting its callbacks finish.</summary>
    public static void Release(Runspace session)
    {
        StopAll(ModuleState.For(session));
        lock (Watched)
        {
            if (!Watched.TryGetValue(session, out var watch)) return;
            session.Events.UnsubscribeEvent(watch);
            Watched.Remove(session);
        }
    }

    private static void StopAll(ModuleState state)
    {
        var deadline = DateTime.UtcNow + Budget;
        foreach (var registration in state.Registrations)
        {
            if (registration.AsyncHandler is not { IsStopped: false } handler) continue;
            var left = deadline - DateTime.UtcNow;
            handler.Stop(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }
}
