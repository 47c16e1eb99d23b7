using System.ClientModel;
using System.Security;
using System.Text;
using BenchmarkDotNet.Attributes;
using OpenAI;
using OpenAI.Chat;
using PsLlm.Benchmarks.Handlers;
using PsLlm.Engine.Observability;
using PsLlm.Engine.Observability.Logging;
using PsLlm.Engine;
using PsLlm.Engine.Chat;
using PsLlm.FakeOpenAI;
using EngineChatRequest = PsLlm.Engine.ChatRequest;

namespace PsLlm.Benchmarks;

/// <summary>
/// One whole streamed chat of <see cref="N"/> tokens ("tok0 ", "tok1 ", …, one SSE chunk each, no
/// delay) from the fake server on loopback, read three ways: the raw OpenAI SDK streaming loop
/// (the baseline: what any .NET caller pays for HTTP and SSE parsing), and PsLlm's ChatRunner with
/// and without a C# handler. Mean / N is the per-token cost; the difference to the baseline is
/// what the engine adds (background reader, bounded queue, events, run state).
/// The fake server runs in this process, so every case also pays the server's share of CPU and
/// allocations: the same for all three, which is why the differences are the figures to quote.
/// </summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private const string Model = "fake-model";
    private static readonly EngineChatRequest Request = new() { Prompt = "bench", Stream = true };

    private readonly CountingHandler _counter = new();
    private JsonlHandler? _jsonl;
    private SqliteLogHandler? _sqlite;
    private string? _logFolder;
    private FakeOpenAIServer _server = null!;
    private ChatClient _sdk = null!;
    private LlmClient _client = null!;
    private List<string> _tokens = null!;
    private int _expectedLength;

    /// <summary>Tokens in the streamed answer; two sizes separate per-chat costs from per-token ones.</summary>
    [Params(200, 2000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = FakeOpenAIServer.StartAsync().GetAwaiter().GetResult();
        _tokens = Enumerable.Range(0, N).Select(i => $"tok{i} ").ToList();
        _expectedLength = _tokens.Sum(t => t.Length);
        _sdk = new ChatClient(Model, new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = _server.BaseUri });
        _client = new LlmClient(_server.BaseUri, Secure("k"), Model);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _jsonl?.Dispose();
        _sqlite?.Dispose();
        if (_logFolder is not null) Directory.Delete(_logFolder, recursive: true);
    }

    /// <summary>The plain SDK loop a C# caller would write: no engine, no events.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> RawSdk()
    {
        EnqueueReply();
        var text = new StringBuilder();
        await foreach (var update in _sdk.CompleteChatStreamingAsync(new UserChatMessage("bench")).ConfigureAwait(false))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        }
        return Checked(text.ToString().Length);
    }

    /// <summary>The engine with nobody listening: its fixed machinery per token.</summary>
    [Benchmark]
    [NoHandlerReference]
    public int EngineNoHandler() => RunEngine(BenchHandlers.None);

    /// <summary>The engine dispatching every token to one C# handler.</summary>
    [Benchmark]
    public int EngineCSharpHandler()
    {
        _counter.Reset();
        var length = RunEngine(BenchHandlers.CSharp(_counter));
        if (_counter.Tokens != N) throw new InvalidOperationException($"The handler saw {_counter.Tokens} tokens, expected {N}.");
        return length;
    }

    /// <summary>
    /// The engine with the JSONL handler writing every event to a file. The run waits until the
    /// background writer has written everything, so the figure includes the I/O, not only the
    /// hand-off (and the queue never fills and drops lines).
    /// </summary>
    [Benchmark]
    public int EngineJsonlHandler()
    {
        _jsonl ??= BenchHandlers.Jsonl(LogFolder);
        var length = RunEngine(new CallbackHandler[] { _jsonl });
        if (!_jsonl.Flush(TimeSpan.FromMinutes(1)) || _jsonl.Dropped > 0) throw new InvalidOperationException("The JSONL handler lost lines.");
        return length;
    }

    /// <summary>The engine with the SQLite log recording the run (written, like JSONL, before the run counts as done).</summary>
    [Benchmark]
    public int EngineSqliteHandler()
    {
        _sqlite ??= BenchHandlers.Sqlite(LogFolder);
        var length = RunEngine(new CallbackHandler[] { _sqlite });
        if (!_sqlite.Flush(TimeSpan.FromMinutes(1)) || _sqlite.Dropped > 0) throw new InvalidOperationException("The SQLite handler lost runs.");
        return length;
    }

    private string LogFolder => _logFolder ??= Directory.CreateTempSubdirectory("psllm-bench-").FullName;

    private int RunEngine(IReadOnlyList<CallbackHandler> handlers)
    {
        EnqueueReply();
        var options = new RunOptions { LocalHandlers = handlers, ErrorSink = ThrowingErrorSink.Instance };
        var response = new ChatRunner(_client).Invoke(Request, options, CancellationToken.None);
        return Checked(response.Text.Length);
    }

    /// <summary>Reset forgets the recorded requests too, so the server's memory stays flat across runs.</summary>
    private void EnqueueReply()
    {
        _server.Reset();
        _server.Enqueue(new FakeReply { Tokens = _tokens, DelayMs = 0 });
    }

    private int Checked(int length) =>
        length == _expectedLength ? length : throw new InvalidOperationException($"Got {length} characters, expected {_expectedLength}.");

    private static SecureString Secure(string value)
    {
        var secure = new SecureString();
        foreach (var c in value) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
