using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace PsLlm.Hosting;

/// <summary>
/// The private load context for PsLlm.Engine, the OpenAI SDK and their dependencies, loaded from
/// the module's deps/ folder. PowerShell 7.4 ships System.Text.Json 8 and other modules may load
/// their own System.ClientModel; in this context PsLlm gets the versions it was built with, and
/// nothing it loads can break another module (the PowerShellEditorServices pattern).
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    // Assemblies that must be shared with PowerShell: the public types and the engine host.
    private static readonly HashSet<string> SharedWithDefault = new(StringComparer.OrdinalIgnoreCase)
    {
        "PsLlm", "PsLlm.Abstractions", "System.Management.Automation", "netstandard", "System.Private.CoreLib",
    };

    private static readonly Lazy<Dictionary<string, string>> PlatformAssemblies = new(ReadPlatformAssemblies);
    private readonly string _dependencyDirectory;

    /// <summary>A context loading from <paramref name="dependencyDirectory"/> (the module's deps/; tests give their own).</summary>
    internal EngineLoadContext(string dependencyDirectory) : base("PsLlm.Engine", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    public static EngineLoadContext Instance { get; } = new(
        Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location)!, "deps"));

    public string DependencyDirectory => _dependencyDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (name is null || SharedWithDefault.Contains(name)) return null;
        var path = Path.Combine(_dependencyDirectory, name + ".dll");
        if (!File.Exists(path)) return null;
        // A framework assembly at least as new as requested (System.Text.Json 10 on pwsh 7.6) is
        // shared rather than loaded twice; an older one (STJ 8 on pwsh 7.4) is not.
        if (IsSatisfiedByPlatform(assemblyName)) return null;
        // Only the assembly asked for: a file of that name from another publisher or culture, or
        // older than the reference, is left to the runtime to refuse rather than loaded in its place.
        return IsSatisfiedBy(assemblyName, path) ? LoadFromAssemblyPath(path) : null;
    }

    /// <summary>
    /// Whether the file at <paramref name="path"/> is the assembly <paramref name="requested"/>
    /// names, as PowerShellEditorServices checks its dependencies: the same name, culture and
    /// public key token, and at least the version asked for. A request that leaves the culture or
    /// token unsaid (a load by simple name, or of an unsigned assembly) accepts any, as the
    /// runtime's own binder does.
    /// </summary>
    internal static bool IsSatisfiedBy(AssemblyName requested, string path)
    {
        AssemblyName candidate;
        try
        {
            candidate = AssemblyName.GetAssemblyName(path);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return false;
        }
        return string.Equals(candidate.Name, requested.Name, StringComparison.OrdinalIgnoreCase)
            && (requested.CultureName is null || string.Equals(candidate.CultureName ?? string.Empty, requested.CultureName, StringComparison.OrdinalIgnoreCase))
            && (requested.GetPublicKeyToken() is not { Length: > 0 } token || token.AsSpan().SequenceEqual(candidate.GetPublicKeyToken() ?? Array.Empty<byte>()))
            && (requested.Version is null || (candidate.Version is not null && candidate.Version >= requested.Version));
    }

    /// <summary>
    /// Native libraries of the engine's packages (SQLite's e_sqlite3) come from deps/runtimes/&lt;rid&gt;/native,
    /// the layout dotnet publish produces for a portable app.
    /// </summary>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var rid in RuntimeIdentifiers())
        {
            var folder = Path.Combine(_dependencyDirectory, "runtimes", rid, "native");
            if (!Directory.Exists(folder)) continue;
            foreach (var file in NativeFileNames(unmanagedDllName))
            {
                var path = Path.Combine(folder, file);
                if (File.Exists(path)) return LoadUnmanagedDllFromPath(path);
            }
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsWindows()) yield return $"win-{arch}";
        else if (OperatingSystem.IsMacOS()) { yield return $"osx-{arch}"; yield return "osx"; }
        else
        {
            // Alpine and other musl systems first try their own build.
            if (File.Exists("/etc/alpine-release")) yield return $"linux-musl-{arch}";
            yield return $"linux-{arch}";
        }
    }

    private static IEnumerable<string> NativeFileNames(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows()) { yield return name + ".dll"; yield break; }
        var extension = OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        yield return name + extension;
        yield return "lib" + name + extension;
    }

    private static bool IsSatisfiedByPlatform(AssemblyName requested)
    {
        if (!PlatformAssemblies.Value.TryGetValue(requested.Name!, out var platformPath)) return false;
        try
        {
            var available = AssemblyName.GetAssemblyName(platformPath);
            return requested.Version is null || (available.Version is not null && available.Version >= requested.Version);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The runtime's trusted platform assemblies: pwsh's own folder or the shared framework.</summary>
    private static Dictionary<string, string> ReadPlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                map.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        return map;
    }
}
