using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// Recordings of real OpenAI exchanges (openai-dotnet test-proxy format:
/// <c>{"Entries":[{"RequestUri","RequestMethod","RequestHeaders","RequestBody","StatusCode","ResponseHeaders","ResponseBody"}]}</c>).
/// </summary>
public sealed class RecordingLibrary
{
    private readonly List<Recording> _recordings;

    private RecordingLibrary(List<Recording> recordings) => _recordings = recordings;

    /// <summary>A library with no recordings, so every request falls through to the echo reply.</summary>
    public static RecordingLibrary Empty { get; } = new([]);

    public IReadOnlyList<Recording> All => _recordings;

    /// <summary>Loads every <c>*.json</c> under <paramref name="directory"/> recursively, in ordinal path order
    /// so that ties in <see cref="Match"/> resolve the same way on every machine. JSON files without an
    /// <c>Entries</c> array are ignored.</summary>
    public static RecordingLibrary Load(string directory)
    {
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Recordings directory not found: {root}");
        }

        var files = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);

        var recordings = new List<Recording>();
        foreach (var (full, relative) in files)
        {
            JsonNode? document;
            try
            {
                document = JsonNode.Parse(File.ReadAllText(full));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Recording {relative} is not valid JSON: {ex.Message}", ex);
            }

            if (document?["Entries"] is not JsonArray entries)
            {
                continue;
            }

            var slash = relative.LastIndexOf('/');
            var folder = slash < 0 ? "" : relative[..slash];
            var name = Path.GetFileNameWithoutExtension(relative);
            var recording = new Recording(name, folder, full);
            var index = 0;
            foreach (var entry in entries.OfType<JsonObject>())
            {
                recording.Add(new RecordingEntry(recording, index++, entry));
            }

            recordings.Add(recording);
        }

        return new RecordingLibrary(recordings);
    }

    /// <summary>Finds a recording by <c>Folder/Name</c> or, when unambiguous, by bare name.</summary>
    /// <exception cref="KeyNotFoundException">No recording, or several with that bare name.</exception>
    public Recording Get(string name)
    {
        var key = name.Replace('\\', '/');
        if (key.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            key = key[..^".json".Length];
        }

        var exact = _recordings.FirstOrDefault(r => string.Equals(r.Key, key, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        var byName = _recordings.Where(r => string.Equals(r.Name, key, StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count switch
        {
            1 => byName[0],
            0 => throw new KeyNotFoundException($"No recording named '{name}'."),
            _ => throw new KeyNotFoundException(
                $"Recording name '{name}' is ambiguous: {string.Join(", ", byName.Select(r => r.Key))}. Use Folder/Name."),
        };
    }

    /// <summary>
    /// The entry whose recorded request body is a subset of <paramref name="requestBody"/>; the most
    /// specific one (most recorded properties) wins, then the first in load order. Each entry of a
    /// multi-turn recording matches on its own body, since later turns carry earlier answers.
    /// </summary>
    public RecordingEntry? Match(JsonNode requestBody)
    {
        RecordingEntry? best = null;
        var bestScore = JsonSubsetMatcher.NoMatch;
        foreach (var recording in _recordings)
        {
            foreach (var entry in recording.Entries)
            {
                if (entry.RequestBody is null)
                {
                    continue;
                }

                var score = JsonSubsetMatcher.Score(entry.RequestBody, requestBody);
                if (score > bestScore)
                {
                    best = entry;
                    bestScore = score;
                }
            }
        }

        return best;
    }
}
