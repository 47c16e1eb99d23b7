using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Shared by the LlmLog*Tests: a log database in a fresh temporary folder (removed afterwards;
/// connections are not pooled, so nothing holds the file), and finished runs to write into it.
/// </summary>
internal sealed class TempLogFile : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "psllm-log-tests", Guid.NewGuid().ToString("N"));

    public TempLogFile() => Path = System.IO.Path.Combine(_folder, "logs.db");

    public string Path { get; }

    public LlmLogStore Store => new(Path);

    /// <summary>Every byte SQLite wrote (database, WAL), to prove something was never recorded.</summary>
    public string AllText() =>
        string.Concat(Directory.GetFiles(_folder).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            return reader.ReadToEnd();
        }));

    public static LlmLogEntry Llm(string model, string prompt, string response, int input = 10, int output = 5, DateTimeOffset? at = null,
        string[]? tags = null, Guid? parent = null, string? responseModel = null, int cached = 0) => new()
    {
        RunId = Guid.NewGuid(),
        ParentRunId = parent,
        Kind = "Llm",
        Name = model,
        Status = "Ok",
        StartTime = at ?? DateTimeOffset.UtcNow,
        EndTime = (at ?? DateTimeOffset.UtcNow).AddMilliseconds(50),
        Duration = TimeSpan.FromMilliseconds(50),
        Model = model,
        ResponseModel = responseModel ?? model,
        Prompt = prompt,
        Messages = new[] { new ChatMessage("user", prompt) },
        Response = response,
        FinishReason = "stop",
        Usage = new TokenUsage { InputTokens = input, OutputTokens = output, TotalTokens = input + output, CachedInputTokens = cached },
        Tags = tags ?? Array.Empty<string>(),
    };

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
