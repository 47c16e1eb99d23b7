namespace PsLlm.Engine.Tests;

/// <summary>
/// Finds the recorded OpenAI exchanges: the repository's copy (tests/recordings), or
/// PSLLM_RECORDINGS. The workplace's ../shared/recordings is the source of that copy.
/// </summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Recordings { get; } =
        Environment.GetEnvironmentVariable("PSLLM_RECORDINGS") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(RepositoryRoot, "tests", "recordings", "openai-dotnet");

    /// <summary>The workplace's shared recordings beside the clone, when present.</summary>
    public static string SharedRecordings { get; } =
        Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "recordings", "openai-dotnet"));

    public static string ChatTests => Path.Combine(Recordings, "ChatTests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PsLlm.sln"))) return dir.FullName;
        throw new InvalidOperationException("PsLlm.sln not found above " + AppContext.BaseDirectory);
    }
}
