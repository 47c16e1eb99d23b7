using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PsLlm.Delivery;
using PsLlm.State;

namespace PsLlm;

/// <summary>
/// Invoke-LlmChat -AsJob: the same command, with the same parameters and piped input, run in a
/// runspace of its own on a background thread, as ThreadJob runs a scriptblock. It is a real job:
/// Get-Job lists it, Receive-Job takes its results as they come, Wait-Job waits, Stop-Job stops it
/// as Ctrl+C would (what was stopped goes to its Error stream), Remove-Job disposes it. Its chats
/// raise PsLlm.&lt;EventName&gt; engine events in the session that started it, and they use that
/// session's default client and registered callbacks.
/// </summary>
public sealed class LlmChatJob : Job2
{
    private readonly PowerShell _shell;
    private readonly PSDataCollection<PSObject> _input;
    private int _stopping;
    private int _finished;

    private LlmChatJob(string command, PowerShell shell, PSDataCollection<PSObject> input) : base(command)
    {
        _shell = shell;
        _input = input;
        PSJobTypeName = "LlmChatJob";
        // The job's streams are the command's own: results reach Receive-Job as they are written.
        _shell.Streams.Error = Error;
        _shell.Streams.Warning = Warning;
        _shell.Streams.Verbose = Verbose;
        _shell.Streams.Debug = Debug;
        _shell.Streams.Progress = Progress;
        _shell.Streams.Information = Information;
        _shell.InvocationStateChanged += OnStateChanged;
    }

    /// <summary>
    /// Starts Invoke-LlmChat with <paramref name="parameters"/> over <paramref name="input"/> in a
    /// new runspace that imports the same module and inherits the calling session's default client
    /// and registrations; its engine events are raised in the calling session too.
    /// </summary>
    internal static LlmChatJob Start(PSCmdlet caller, IDictionary parameters, IReadOnlyList<PSObject> input)
    {
        var modulePath = typeof(LlmChatJob).Assembly.Location;
        var initial = InitialSessionState.CreateDefault2();
        initial.ImportPSModule([Path.Combine(Path.GetDirectoryName(modulePath)!, "PsLlm.psd1")]);
        var runspace = RunspaceFactory.CreateRunspace(initial);
        runspace.Open();
        var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddCommand("PsLlm\\Invoke-LlmChat");
        foreach (DictionaryEntry parameter in parameters) shell.AddParameter((string)parameter.Key, parameter.Value);
        var pipeline = new PSDataCollection<PSObject>(input);
        pipeline.Complete();
        // What Get-Job shows as the Command: the cmdlet, the parameters given and how many objects were piped.
        var command = string.Join(" ", parameters.Keys.Cast<string>().Select(k => "-" + k).Prepend("Invoke-LlmChat"))
            + (input.Count > 0 ? $" ({input.Count} piped)" : string.Empty);
        var job = new LlmChatJob(command, shell, pipeline);
        ModuleState.For(runspace).InheritFrom(ModuleState.Current, new EngineEventPublisher(caller.Events, job, otherSession: true));
        job.SetJobState(JobState.Running);
        shell.BeginInvoke(pipeline, job.Output);
        return job;
    }

    private void OnStateChanged(object? sender, PSInvocationStateChangedEventArgs e) => Finish(e.InvocationStateInfo);

    // The command's end is the job's, once: from the state change, or from StopJob when Stop returned first.
    private void Finish(PSInvocationStateInfo info)
    {
        var state = info.State switch
        {
            PSInvocationState.Completed => JobState.Completed,
            PSInvocationState.Failed => JobState.Failed,
            PSInvocationState.Stopped => JobState.Stopped,
            _ => (JobState?)null,
        };
        if (state is null || Interlocked.Exchange(ref _finished, 1) == 1) return;
        if (state == JobState.Stopped) KeepStopped();
        if (state == JobState.Failed && info.Reason is { } reason)
            Error.Add(reason is IContainsErrorRecord known ? known.ErrorRecord : new ErrorRecord(reason, "LlmChatJobFailed", ErrorCategory.OperationStopped, null));
        SetJobState(state.Value);
    }

    // Stopped chats keep what arrived in their runspace's $Error (as at Ctrl+C); the job shows them.
    private void KeepStopped()
    {
        if (_shell.Runspace.SessionStateProxy.GetVariable("Error") is not ArrayList errors) return;
        foreach (var record in errors.OfType<ErrorRecord>().Where(r => r.Exception is LlmException).Reverse()) Error.Add(record);
    }

    /// <summary>The job's state, in words.</summary>
    public override string StatusMessage => JobStateInfo.State.ToString();

    /// <summary>True while results, errors or other records wait for Receive-Job.</summary>
    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Progress.Count > 0 || Information.Count > 0 || Debug.Count > 0;

    /// <summary>Where it runs: this process.</summary>
    public override string Location => "localhost";

    /// <summary>Runs as soon as it is made; starting it again does nothing.</summary>
    public override void StartJob() { }

    /// <summary>Runs as soon as it is made.</summary>
    public override void StartJobAsync() => OnStartJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));

    /// <summary>Stops every chat of the job, as Ctrl+C would, and waits until it has stopped.</summary>
    public override void StopJob()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1 || IsFinishedState(JobStateInfo.State)) return;
        SetJobState(JobState.Stopping);
        _shell.Stop();
        Finish(_shell.InvocationStateInfo);
    }

    /// <summary>Stops the job.</summary>
    public override void StopJob(bool force, string reason) => StopJob();

    /// <summary>Stops the job on another thread; StopJobCompleted says when it has stopped (Stop-Job waits for it).</summary>
    public override void StopJobAsync() => _ = Task.Run(() =>
    {
        Exception? failure = null;
        try
        {
            StopJob();
        }
        catch (Exception e)
        {
            failure = e;
        }
        OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(failure, false, null));
    });

    /// <summary>Stops the job on another thread.</summary>
    public override void StopJobAsync(bool force, string reason) => StopJobAsync();

    /// <summary>Not supported: a chat cannot be paused and taken up later (nor resumed or unblocked).</summary>
    public override void SuspendJob() => throw Unsupported("suspended");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void SuspendJobAsync() => throw Unsupported("suspended");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void SuspendJob(bool force, string reason) => throw Unsupported("suspended");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void SuspendJobAsync(bool force, string reason) => throw Unsupported("suspended");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void ResumeJob() => throw Unsupported("resumed");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void ResumeJobAsync() => throw Unsupported("resumed");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void UnblockJob() => throw Unsupported("unblocked");
    /// <inheritdoc cref="SuspendJob()"/>
    public override void UnblockJobAsync() => throw Unsupported("unblocked");

    private static NotSupportedException Unsupported(string what) => new($"An LlmChatJob cannot be {what}: stop it (Stop-Job) and start the chats again.");

    /// <summary>Stops what runs and releases the runspace (Remove-Job).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!IsFinishedState(JobStateInfo.State)) StopJob();
            _shell.InvocationStateChanged -= OnStateChanged;
            var runspace = _shell.Runspace;
            _shell.Dispose();
            runspace.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }

    private static bool IsFinishedState(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;
}
