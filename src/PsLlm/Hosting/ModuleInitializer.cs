using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
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

    /// <summary>Import-Module: from now on PsLlm.Engine resolves into its own load context.</summary>
    public void OnImport()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    /// <summary>
    /// Remove-Module: the session's async callbacks get up to 5 seconds in all to finish what they
    /// have queued, then stop; PsLlm.Engine is no longer resolved (what is loaded stays loaded).
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Runspace.DefaultRunspace is { } session) State.AsyncCallbackShutdown.Release(session);
        if (Interlocked.Exchange(ref _subscribed, 0) == 1)
            AssemblyLoadContext.Default.Resolving -= ResolveEngine;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, "PsLlm.Engine", StringComparison.OrdinalIgnoreCase)
            ? EngineLoadContext.Instance.LoadFromAssemblyName(name)
            : null;
}
