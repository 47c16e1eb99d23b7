using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using OpenAI.Chat;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;
using PsLlm.Engine.Wire;

namespace PsLlm.Benchmarks;

/// <summary>
/// What reading a streamed answer costs per token, without HTTP: the same event-stream bytes (an
/// OpenAI-shaped chunk per token, as the fake server sends) read from memory three ways. The
/// baseline only finds the data lines (the floor: the bytes must be looked at once); the SDK's
/// typed model deserializes each chunk as <c>CompleteChatStreamingAsync</c> does; PsLlm's reader
/// parses each chunk leniently and queues what it says for the run's thread (which takes the queue
/// in batches; here the queue is emptied after the stream, the way a fast pipeline thread would).
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private byte[] _bytes = null!;
    private RunQueue _queue = null!;
    private readonly List<StreamItem> _batch = new();
    private readonly SecretRedactor _redactor = new([]);

    /// <summary>Tokens in the streamed answer.</summary>
    [Params(2000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sse = new StringBuilder();
        for (var i = 0; i < N; i++)
            sse.Append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764353027,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_7eeb46f068\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok")
               .Append(i).Append(" \"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        sse.Append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764353027,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
        sse.Append("data: [DONE]\n\n");
        _bytes = Encoding.UTF8.GetBytes(sse.ToString());
        _queue = new RunQueue(N + 16);
    }

    [GlobalCleanup]
    public void Cleanup() => _queue.Dispose();

    /// <summary>The floor: every line of the stream found, nothing parsed.</summary>
    [Benchmark(Baseline = true)]
    [NoHandlerReference]
    public int RawLines()
    {
        var span = _bytes.AsSpan();
        var events = 0;
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)'\n');
            if (end < 0) break;
            if (span.StartsWith("data: "u8)) events++;
            span = span[(end + 1)..];
        }
        return events;
    }

    /// <summary>The OpenAI SDK's typed model: one StreamingChatCompletionUpdate per chunk, its text taken.</summary>
    [Benchmark]
    public int SdkTypedChunks()
    {
        var text = 0;
        var span = _bytes.AsSpan();
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)'\n');
            if (end < 0) break;
            var line = span[..end];
            span = span[(end + 1)..];
            if (!line.StartsWith("data: "u8) || line.EndsWith("[DONE]"u8)) continue;
            var update = ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromBytes(line[6..].ToArray()))!;
            foreach (var part in update.ContentUpdate) text += part.Text.Length;
        }
        return text;
    }

    /// <summary>PsLlm's reader: SSE framing, lenient chunk parsing, items queued for the run's thread.</summary>
    [Benchmark]
    public int PsLlmReader()
    {
        using var stream = new MemoryStream(_bytes, writable: false);
        var reader = new ChatResponseReader(_queue, Stopwatch.StartNew(), _redactor);
        reader.ReadAsync(stream, idleTimeout: null, CancellationToken.None).GetAwaiter().GetResult();
        _queue.TakeBatch(_batch, TimeSpan.Zero, CancellationToken.None);
        var tokens = _batch.Count(i => i is TokenItem);
        if (tokens != N) throw new InvalidOperationException($"Read {tokens} tokens, expected {N}.");
        return tokens;
    }
}
