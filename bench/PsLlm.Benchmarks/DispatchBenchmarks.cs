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

    [GlobalSetup]
    public void Setup()
    {
        var client = new LlmClient(new Uri("http://127.0.0.1:9/v1/"), null, "fake-model");
        _none = LlmRun(client, BenchHandlers.None);
        _csharp = LlmRun(client, BenchHandlers.CSharp(_counter));
    }

    /// <summary>Stamping the event and offering it to the client's (unsubscribed) .NET events.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Tokens)]
    [NoHandlerReference]
    public int NoHandler() => RaiseTokens(_none);

    /// <summary>The same plus a virtual call into one C# handler.</summary>
    [Benchmark(OperationsPerInvoke = Tokens)]
    public int CSharpHandler() => RaiseTokens(_csharp);

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
