using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace PsLlm.Tests;

/// <summary>
/// A runspace with the built PsLlm module imported, as a pwsh session would have it, and a way to
/// run script in it the way a prompt does: on the runspace's own pipeline thread, with every
/// stream kept for assertions.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;
    private PowerShell? _last;

    public PowerShellSession(PSHost? host = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(ModuleLayout.Manifest);
        // Warnings and errors of a failed import must fail the test, not vanish.
        state.ThrowOnRunspaceOpenError = true;
        _runspace = host is null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
    }

    public Runspace Runspace => _runspace;

    /// <summary>The streams of the last <see cref="Run"/>.</summary>
    public PSDataStreams Streams => _last?.Streams ?? throw new InvalidOperationException("Nothing ran yet.");

    /// <summary>Runs <paramref name="script"/> with <c>$args</c> bound to <paramref name="arguments"/>; returns its output.</summary>
    public Collection<PSObject> Run(string script, params object?[] arguments)
    {
        // The last run's PowerShell stays alive until the next one, so its streams can be read.
        _last?.Dispose();
        _last = Begin(script, arguments);
        return _last.Invoke();
    }

    /// <summary>Runs and returns the single output's base object.</summary>
    public T RunScalar<T>(string script, params object?[] arguments)
    {
        var output = Run(script, arguments);
        Assert.Single(output);
        return (T)output[0].BaseObject;
    }

    /// <summary>Starts <paramref name="script"/> without waiting; the caller stops or awaits it.</summary>
    public PowerShell Begin(string script, params object?[] arguments)
    {
        var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        foreach (var argument in arguments) shell.AddArgument(argument);
        return shell;
    }

    /// <summary>
    /// Runs C# that uses the current runspace (PowerShell.Create(RunspaceMode.CurrentRunspace)) on
    /// this thread, as module code does on the pipeline thread; the runspace must be idle.
    /// </summary>
    public T OnRunspace<T>(Func<T> action)
    {
        var previous = Runspace.DefaultRunspace;
        Runspace.DefaultRunspace = _runspace;
        try
        {
            return action();
        }
        finally
        {
            Runspace.DefaultRunspace = previous;
        }
    }

    /// <summary>Sets a variable in the session's global scope.</summary>
    public void Set(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <summary>A global variable's value, unwrapped from its PSObject.</summary>
    public object? Get(string name) => _runspace.SessionStateProxy.GetVariable(name) is PSObject wrapped ? wrapped.BaseObject : _runspace.SessionStateProxy.GetVariable(name);

    public void Dispose()
    {
        _last?.Dispose();
        _runspace.Dispose();
    }
}
