using System.Diagnostics;
using PsLlm.Engine.Callbacks;

namespace PsLlm.Engine.Chat;

/// <summary>
/// Runs a body of work as a chain run (ChainStart, then ChainEnd or ChainError). While it runs,
/// the chain is the current run, so every chat started inside becomes its child and inherits the
/// chain's request handlers.
/// </summary>
internal static class ChainRunner
{
    public static T Run<T>(string name, IReadOnlyDictionary<string, object?> inputs, CallbackScope scope, ICallbackErrorSink errors, Func<T> body)
    {
        var parent = CallbackManager.Current;
        var chain = parent?.StartChild(scope) ?? CallbackManager.StartRoot(scope, errors);
        var clock = Stopwatch.StartNew();
        using var active = chain.Activate();
        try
        {
            chain.Raise(new ChainStartEvent { Name = name, Inputs = inputs });
            var output = body();
            chain.Raise(new ChainEndEvent { Name = name, Outputs = output, Duration = clock.Elapsed });
            return output;
        }
        catch (Exception error)
        {
            chain.RaiseWhileFailing(new ChainErrorEvent { Name = name, Error = error });
            throw;
        }
    }
}
