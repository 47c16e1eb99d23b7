using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PsLlm.Delivery;

/// <summary>
/// Register-LlmCallback -Async (and -Callback @{ …; Async = $true }): scriptblocks run for each
/// event in a runspace of their own, with PsLlm imported and the caller's location, on the
/// handler's worker, so the chat never waits for them (except at awaited events). The event is
/// <c>$_</c> and the first argument, then the -ArgumentList values. What they write (output,
/// errors, warnings, information, verbose, debug) is kept in order for Receive-LlmCallback.
/// </summary>
internal sealed class ScriptBlockAsyncHandler : AsyncCallbackHandler
{
    /// <summary>How many records <see cref="TakeRecords"/> keeps before the oldest go (counted in <see cref="RecordsDropped"/>).</summary>
    public const int RecordsKept = 10_000;

    // The user's block is made in the handler's runspace (a scriptblock belongs to the runspace
    // that runs it) and called with the event piped in, so $_ is the event as in ForEach-Object.
    private const string Wrapper = "param($__PsLlmBlock, $__PsLlmEvent, $__PsLlmArgs) $__PsLlmEvent | ForEach-Object { & $__PsLlmBlock $_ @__PsLlmArgs }";

    private readonly IReadOnlyDictionary<LlmEventName, string> _scripts;
    private readonly string? _everyEvent;
    private readonly object[] _arguments;
    private readonly string? _location;
    private readonly Queue<object> _records = new();
    private readonly Dictionary<string, ScriptBlock> _blocks = new(StringComparer.Ordinal);
    private readonly Lazy<Runspace> _runspace;
    private long _recordsDropped;

    /// <summary>One scriptblock for every event it receives (its registration filters them).</summary>
    public ScriptBlockAsyncHandler(ScriptBlock action, object[]? arguments, string? location)
        : this(new Dictionary<LlmEventName, string>(), action.ToString(), arguments, location)
    {
    }

    /// <summary>A scriptblock per event (the hashtable form of -Callback).</summary>
    public ScriptBlockAsyncHandler(IReadOnlyDictionary<LlmEventName, string> scripts, string? everyEvent, object[]? arguments, string? location)
    {
        _scripts = scripts;
        _everyEvent = everyEvent;
        _arguments = arguments ?? Array.Empty<object>();
        _location = location;
        Name = "ScriptBlock";
        _runspace = new Lazy<Runspace>(OpenRunspace, LazyThreadSafetyMode.ExecutionAndPublication);
        // Opened now, in the background: the first event need not wait for it, and PowerShell
        // cannot open one any more while the process exits (when queued events are still handled).
        _ = Task.Run(() => _runspace.Value);
    }

    /// <summary>Records dropped because more than <see cref="RecordsKept"/> waited to be received.</summary>
    public long RecordsDropped => Interlocked.Read(ref _recordsDropped);

    /// <summary>Records waiting for Receive-LlmCallback.</summary>
    public int RecordCount
    {
        get { lock (_records) return _records.Count; }
    }

    /// <summary>
    /// What the scriptblocks wrote, in order: PSObject output, ErrorRecord, WarningRecord,
    /// InformationRecord, VerboseRecord, DebugRecord. Removed unless <paramref name="keep"/>.
    /// </summary>
    public IReadOnlyList<object> TakeRecords(bool keep)
    {
        lock (_records)
        {
            var taken = _records.ToArray();
            if (!keep) _records.Clear();
            return taken;
        }
    }

    /// <inheritdoc/>
    public override async Task HandleAsync(LlmEvent e, CancellationToken cancellationToken)
    {
        var script = ScriptFor(e, out var delivered);
        if (script is null) return;
        var runspace = _runspace.Value;
        var block = Block(script);
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript(Wrapper, useLocalScope: true).AddArgument(block).AddArgument(delivered).AddArgument(_arguments);
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, a) => Keep(output[a.Index]);
        shell.Streams.Error.DataAdded += (_, a) => Keep(shell.Streams.Error[a.Index]);
        shell.Streams.Warning.DataAdded += (_, a) => Keep(shell.Streams.Warning[a.Index]);
        shell.Streams.Information.DataAdded += (_, a) => Keep(shell.Streams.Information[a.Index]);
        shell.Streams.Verbose.DataAdded += (_, a) => Keep(shell.Streams.Verbose[a.Index]);
        shell.Streams.Debug.DataAdded += (_, a) => Keep(shell.Streams.Debug[a.Index]);
        using var stop = cancellationToken.Register(() => shell.BeginStop(null, null));
        try
        {
            // Begin/End: the pipeline runs on the runspace's own thread, so a slow scriptblock holds no pool thread.
            await Task.Factory.FromAsync(shell.BeginInvoke<PSObject, PSObject>(null, output), shell.EndInvoke).ConfigureAwait(false);
        }
        catch (RuntimeException thrown) when (!cancellationToken.IsCancellationRequested)
        {
            // A terminating error: kept with the others, and the event failed.
            var record = thrown.ErrorRecord;
            Keep(record);
            throw new RuntimeException(record.ToString(), thrown, record);
        }
        // An error written (Write-Error, a failing command) also makes the event a failure.
        if (shell.Streams.Error.Count > 0)
        {
            var first = shell.Streams.Error[0];
            throw new RuntimeException(first.ToString(), first.Exception, first);
        }
    }

    /// <summary>The script for the event (LlmStart's for ChatModelStart, as LangChain falls back), and the event to hand it.</summary>
    private string? ScriptFor(LlmEvent e, out LlmEvent delivered)
    {
        delivered = e;
        if (_everyEvent is not null) return _everyEvent;
        if (_scripts.TryGetValue(e.Kind, out var script)) return script;
        if (e is ChatModelStartEvent start && _scripts.TryGetValue(LlmEventName.LlmStart, out script))
        {
            delivered = LlmStartEvent.From(start);
            return script;
        }
        return null;
    }

    private ScriptBlock Block(string script)
    {
        if (!_blocks.TryGetValue(script, out var block)) _blocks[script] = block = ScriptBlock.Create(script);
        return block;
    }

    private Runspace OpenRunspace()
    {
        var initial = InitialSessionState.CreateDefault2();
        initial.ImportPSModule([Path.Combine(Path.GetDirectoryName(typeof(ScriptBlockAsyncHandler).Assembly.Location)!, "PsLlm.psd1")]);
        var runspace = RunspaceFactory.CreateRunspace(initial);
        // One thread for every event: the scriptblocks see one another's global state, in order.
        runspace.ThreadOptions = PSThreadOptions.ReuseThread;
        runspace.Name = $"PsLlm async handler {Name}";
        runspace.Open();
        if (_location is not null && Directory.Exists(_location))
            runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(_location));
        return runspace;
    }

    private void Keep(object record)
    {
        lock (_records)
        {
            _records.Enqueue(record);
            while (_records.Count > RecordsKept)
            {
                _records.Dequeue();
                Interlocked.Increment(ref _recordsDropped);
            }
        }
    }

    /// <inheritdoc/>
    protected override void OnStopped()
    {
        if (_runspace.IsValueCreated) _runspace.Value.Dispose();
    }
}
