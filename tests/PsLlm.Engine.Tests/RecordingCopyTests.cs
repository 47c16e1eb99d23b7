using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>The repository's recordings are an exact copy of the shared ground truth.</summary>
public sealed class RecordingCopyTests
{
    [Fact]
    public void RepositoryCopyMatchesSharedRecordings()
    {
        if (!Directory.Exists(TestPaths.SharedRecordings))
            return; // Outside the workplace there is nothing to compare with; the copy is the source.
        var shared = Directory.GetFiles(TestPaths.SharedRecordings, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestPaths.SharedRecordings, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var copy = Directory.GetFiles(TestPaths.Recordings, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestPaths.Recordings, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.Equal(shared, copy);
        foreach (var file in shared)
            Assert.True(File.ReadAllBytes(Path.Combine(TestPaths.SharedRecordings, file)).AsSpan()
                .SequenceEqual(File.ReadAllBytes(Path.Combine(TestPaths.Recordings, file))), file + " differs");
    }
}
