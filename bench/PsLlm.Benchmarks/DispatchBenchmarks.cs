using BenchmarkDotNet.Attributes;
using PsLlm.Benchmarks.Handlers;
using PsLlm.Engine.Callbacks;

namespace PsLlm.Benchmarks;

/// <summary>
/// The engine's per-token dispatch alone, without HTTP, SSE parsing or the queue: raising one
/// LlmNewToken event on an LLM run set up as ChatRunner sets it up (a chain run with a child LLM
/// run, the handlers local to both, the client as .NET event source). Each operation builds the
/// event and its ChatToken, as the engine does per token, so the figure is ns and bytes per token.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    /// <summary>Events raised per invocation; BenchmarkDotNet divides by it.</summary>
    private const int Tokens = 1000;

    private readonly CountingHandler _counter = new();
    private CallbackManager _none = null!;
    private CallbackManager _csharp = null!;
    private CallbackManager _async = null!;
    private readonly CountingAsyncHandler _asyncCounter = new(capacity: 1 << 24);

    [GlobalSetup]
    public void Setup()
    {
        var client = new LlmClient(new Uri("http://127.0.0.1:9/v1/"), null, "fake-model");
        _none = LlmRun(client, BenchHandlers.None);
        _csharp = LlmRun(client, BenchHandlers.CSharp(_counter));
        _async = LlmRun(client, BenchHandlers.Async(_asyncCounter));
    }

    /// <summary>Stops the async handler's worker.</summary>
    [GlobalCleanup]
    public void Cleanup() => _asyncCounter.Stop(TimeSpan.Zero);

    /// <summary>Stamping the event and offering it to the client's (unsubscribed) .NET events.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Tokens)]
    [NoHandlerReference]
    public int NoHandler() => RaiseTokens(_none);

    /// <summary>The same plus a virtual call into one C# handler.</summary>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public int CSharpHandler() => RaiseTokens(_csharp);

    /// <summary>The same with a C# AsyncCallbackHandler: what queueing each event for its worker costs the chat's thread.</summary>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public int AsyncHandler() => RaiseTokens(_async);

    /// <summary>Raises <see cref="Tokens"/> token events on an LLM run with <paramref name="handlers"/> (the --async figures).</summary>
    internal static double NanosecondsPerToken(IReadOnlyList<CallbackHandler> handlers, int rounds)
    {
        var client = new LlmClient(new Uri("http://127.0.0.1:9/v1/"), null, "fake-model");
        var run = LlmRun(client, handlers);
        for (var i = 0; i < 50; i++) RaiseTokens(run); // warm-up
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++) RaiseTokens(run);
        return clock.Elapsed.TotalMilliseconds * 1_000_000 / (rounds * (double)Tokens);
    }

    private static CallbackManager LlmRun(LlmClient client, IReadOnlyList<CallbackHandler> handlers)
    {
        var sources = new LlmEventSource[] { client };
        var chain = CallbackManager.StartRoot(new CallbackScope { Local = handlers, Sources = sources }, ThrowingErrorSink.Instance);
        return chain.StartChild(new CallbackScope { Local = handlers, Sources = sources });
    }

    private static int RaiseTokens(CallbackManager llm)
    {
        for (var i = 0; i < Tokens; i++)
        {
            llm.Raise(new LlmNewTokenEvent
            {
                Token = "x",
                Index = i,
                Chunk = new ChatToken { Text = "x", Index = i, RunId = llm.RunId },
            });
        }
        return Tokens;
    }
}
