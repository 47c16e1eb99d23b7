using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Tools;

/// <summary>
/// Keeps a tool's path arguments inside one folder (New-LlmTool -RootPath). A value is resolved
/// the way PowerShell resolves it (PSDrives, ~, the current location) and the way the operating
/// system does (symbolic links followed, then ".." applied to where they lead), and both must stay
/// in the folder; otherwise the call is refused before anything runs or is asked about, and the
/// model is told why.
/// </summary>
internal sealed class ToolPathGuard
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private readonly string _root;
    private readonly PathIntrinsics _paths;
    private readonly HashSet<string> _parameters;

    private ToolPathGuard(string root, PathIntrinsics paths, IEnumerable<string> parameters)
    {
        _root = root;
        _paths = paths;
        _parameters = new HashSet<string>(parameters, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The folder, as a real path (links resolved).</summary>
    public string Root => _root;

    /// <summary>The parameters whose values are paths.</summary>
    public IReadOnlyCollection<string> Parameters => _parameters;

    /// <summary>
    /// A guard for <paramref name="rootPath"/> over the string parameters named *Path and those in
    /// <paramref name="marked"/> (the tool author's own path parameters).
    /// </summary>
    public static ToolPathGuard Create(string rootPath, IReadOnlyList<ToolParameterSpec> offered, IReadOnlyList<string>? marked, PathIntrinsics paths)
    {
        var full = paths.GetUnresolvedProviderPathFromPSPath(rootPath, out var provider, out _);
        if (provider.Name != "FileSystem" || !Directory.Exists(full))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolRootPathNotFound",
                $"'{rootPath}' is not a folder on the file system; -RootPath takes the folder the tool may use.")
            { ParameterName = "RootPath" };

        var textual = offered.Where(p => p.Kind == ToolValueKind.String || p.Kind == ToolValueKind.Array && p.ItemKind == ToolValueKind.String).ToList();
        foreach (var name in marked ?? Array.Empty<string>())
            if (!textual.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolParameterNotFound",
                    $"-PathParameter '{name}' is not a string parameter the tool offers. Its string parameters: {string.Join(", ", textual.Select(p => p.Name))}.")
                { ParameterName = "PathParameter" };
        var names = textual.Where(p => p.Name.EndsWith("Path", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name)
            .Concat(marked ?? Array.Empty<string>());
        return new ToolPathGuard(RealPath(full), paths, names);
    }

    /// <summary>Throws <see cref="ToolArgumentException"/> when a path argument leads outside the folder.</summary>
    public void Check(IReadOnlyDictionary<string, object?> arguments)
    {
        foreach (var (name, value) in arguments)
        {
            if (!_parameters.Contains(name)) continue;
            foreach (var path in Texts(value))
                if (!Inside(path, out var resolved))
                    throw new ToolArgumentException($"'{name}' may only name paths inside {_root}; '{path}' leads to {resolved}.");
        }
    }

    private bool Inside(string value, out string resolved)
    {
        string asPowerShellSees;
        try
        {
            asPowerShellSees = _paths.GetUnresolvedProviderPathFromPSPath(value, out var provider, out _);
            if (provider.Name != "FileSystem")
            {
                resolved = $"the {provider.Name} provider";
                return false;
            }
        }
        catch (Exception error) when (error is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            resolved = "a path PowerShell cannot resolve";
            return false;
        }
        resolved = RealPath(asPowerShellSees);
        if (!Within(resolved)) return false;
        // The command may hand the text to the system as it is, which follows a link before "..".
        if (value.Contains("..", StringComparison.Ordinal))
        {
            var raw = Path.IsPathRooted(value) ? value : Path.Join(_paths.CurrentFileSystemLocation.ProviderPath, value);
            resolved = RealPath(raw);
            return Within(resolved);
        }
        return true;
    }

    private bool Within(string path) =>
        string.Equals(path, _root, PathComparison)
        || path.StartsWith(_root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar, PathComparison);

    /// <summary>
    /// The path with every symbolic link on the way followed and each ".." applied to where the
    /// links led, as the system resolves it; parts that do not exist (yet) are kept as written.
    /// </summary>
    internal static string RealPath(string path, int depth = 0)
    {
        var root = Path.GetPathRoot(path);
        if (string.IsNullOrEmpty(root)) root = Path.GetPathRoot(Path.GetFullPath(path))!;
        var current = root;
        foreach (var segment in path[root.Length..].Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, segment);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (depth < 40 && info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = RealPath(target.FullName, depth + 1);
            else
                current = next;
        }
        return current;
    }

    private static IEnumerable<string> Texts(object? value) => value switch
    {
        string text => [text],
        IEnumerable<object?> items => items.OfType<string>(),
        _ => [],
    };
}
