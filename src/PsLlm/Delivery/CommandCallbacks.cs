using System.Management.Automation;
using PsLlm.Arguments;

namespace PsLlm.Delivery;

/// <summary>
/// A command's -Callback handlers, made once for all its chats. Async scriptblocks given there
/// live as long as the command: when it ends, it waits for them to handle every event (Ctrl+C
/// ends the wait), writes their errors, warnings and information, says what they lost, and stops
/// them. Handler objects the user passed are theirs and are left running.
/// </summary>
internal sealed class CommandCallbacks : IDisposable
{
    private readonly PSCmdlet _cmdlet;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<CallbackHandler> _made = new();
    private object[]? _given;
    private IReadOnlyList<CallbackHandler>? _handlers;

    public CommandCallbacks(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>The handlers for <paramref name="values"/>; the same ones while the same array is given (each piped object).</summary>
    public IReadOnlyList<CallbackHandler> For(object[]? values)
    {
        if (_handlers is not null && ReferenceEquals(values, _given)) return _handlers;
        var location = _cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        _handlers = CallbackArgument.ToHandlers(values, location);
        _given = values;
        // Only the async handlers made here from scriptblocks belong to the command.
        _made.AddRange(_handlers.Where(h => AsyncHandlerOutput.Of(h) is ScriptBlockAsyncHandler));
        return _handlers;
    }

    /// <summary>Ctrl+C (from StopProcessing, on another thread): the end-of-command wait ends.</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>At the command's end, on the pipeline thread: waits for the async scriptblocks, writes what they wrote, stops them.</summary>
    public void Finish()
    {
        foreach (var made in _made)
        {
            var handler = AsyncHandlerOutput.Of(made)!;
            if (handler.Pending > 0) _cmdlet.WriteVerbose($"Waiting for {handler.Name} to handle {handler.Pending} more event(s).");
            var drained = handler.Drain(TimeSpan.FromDays(1), _stop.Token);
            handler.Stop(drained ? TimeSpan.FromSeconds(2) : TimeSpan.Zero);
            AsyncHandlerOutput.Write(_cmdlet, handler, keep: false, writeOutput: false);
            LossWarnings.Write(_cmdlet, new[] { made });
        }
        _made.Clear();
    }

    /// <summary>Stops what is left without waiting (the command failed or was stopped).</summary>
    public void Dispose()
    {
        foreach (var made in _made) AsyncHandlerOutput.Of(made)!.Stop(TimeSpan.Zero);
        _made.Clear();
        _stop.Dispose();
    }
}
