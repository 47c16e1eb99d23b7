namespace PsLlm.Engine.Tests;

/// <summary>Finds the shared recordings: ../shared/recordings beside the repository, or PSLLM_RECORDINGS.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Recordings { get; } =
        Environment.GetEnvironmentVariable("PSLLM_RECORDINGS") is { Length: > 0 } overridden
            ? overridden
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "recordings", "openai-dotnet"));

    public static string ChatTests => Path.Combine(Recordings, "ChatTests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PsLlm.sln"))) return dir.FullName;
        throw new InvalidOperationException("PsLlm.sln not found above " + AppContext.BaseDirectory);
    }
}
