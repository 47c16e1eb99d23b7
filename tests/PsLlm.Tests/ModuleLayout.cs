using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace PsLlm.Tests;

/// <summary>
/// The built module these tests load, as pwsh loads it: <c>out/PsLlm</c> (what <c>./build.ps1</c>
/// lays out) or <c>PSLLM_TEST_MODULE</c>. PsLlm.dll and PsLlm.Abstractions.dll come from there into
/// the default load context, so the test code and the module share one copy of each; the engine
/// comes through the module's own private load context.
/// </summary>
internal static class ModuleLayout
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Directory { get; } =
        Environment.GetEnvironmentVariable("PSLLM_TEST_MODULE") is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Path.Combine(RepositoryRoot, "out", "PsLlm");

    public static string Manifest => Path.Combine(Directory, "PsLlm.psd1");

    /// <summary>Installed before any test type touches a PsLlm type.</summary>
    [ModuleInitializer]
    internal static void InstallResolver() => AssemblyLoadContext.Default.Resolving += Resolve;

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        switch (name.Name)
        {
            case "PsLlm" or "PsLlm.Abstractions":
                var path = Path.Combine(Directory, name.Name + ".dll");
                if (!File.Exists(path))
                    throw new FileNotFoundException($"The built module is missing ({path}). Build it first: ./build.ps1 (or set PSLLM_TEST_MODULE).", path);
                return context.LoadFromAssemblyPath(path);
            case "PsLlm.Engine":
                return LoadEngine(name);
            default:
                return null;
        }
    }

    /// <summary>
    /// Test code that names an engine type gets the same copy PsLlm.dll uses. A method of its own:
    /// compiling <see cref="Resolve"/> must not need PsLlm.dll, which only Resolve can load (the
    /// first test to touch a module type would otherwise recurse until the stack overflows).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Assembly LoadEngine(AssemblyName name) => PsLlm.Hosting.EngineLoadContext.Instance.LoadFromAssemblyName(name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PsLlm.sln"))) return dir.FullName;
        throw new InvalidOperationException("PsLlm.sln not found above " + AppContext.BaseDirectory);
    }
}
