namespace PsLlm.FakeOpenAI;

/// <summary>One recording file: the request/response exchanges of one test against the real service.</summary>
public sealed class Recording
{
    private readonly List<RecordingEntry> _entries = [];

    internal Recording(string name, string folder, string filePath)
    {
        Name = name;
        Folder = folder;
        FilePath = filePath;
    }

    /// <summary>File name without <c>.json</c>, e.g. <c>HelloWorldChat</c>.</summary>
    public string Name { get; }

    /// <summary>Folder relative to the library root with '/' separators, e.g. <c>ChatTests</c>; empty at the root.</summary>
    public string Folder { get; }

    /// <summary><c>Folder/Name</c>, or just <c>Name</c> at the root; unique within a library.</summary>
    public string Key => Folder.Length == 0 ? Name : $"{Folder}/{Name}";

    public string FilePath { get; }

    public IReadOnlyList<RecordingEntry> Entries => _entries;

    internal void Add(RecordingEntry entry) => _entries.Add(entry);

    public override string ToString() => Key;
}
