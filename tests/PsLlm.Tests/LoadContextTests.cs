using System.Runtime.Loader;

namespace PsLlm.Tests;

/// <summary>The module loads as designed: shared types in the default context, the engine and its SDK in a private one.</summary>
public sealed class LoadContextTests : IDisposable
{
    private readonly PowerShellSession _session = new();

    [Fact]
    public void Public_types_are_shared_with_PowerShell()
    {
        var type = _session.RunScalar<Type>("[PsLlm.LlmClient]");
        Assert.Same(typeof(LlmClient), type);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(type.Assembly));
        Assert.Equal(Path.Combine(ModuleLayout.Directory, "PsLlm.Abstractions.dll"), type.Assembly.Location);
    }

    [Fact]
    public void The_engine_and_the_OpenAI_SDK_load_privately_from_deps()
    {
        // A chat's client needs the engine; building one loads it.
        _session.Run("$null = New-LlmClient -Endpoint http://127.0.0.1:9/v1 -Model m");
        var engine = typeof(PsLlm.Engine.Chat.ChatRunner).Assembly;
        var context = AssemblyLoadContext.GetLoadContext(engine)!;
        Assert.Equal("PsLlm.Engine", context.Name);
        Assert.Equal(Path.Combine(ModuleLayout.Directory, "deps", "PsLlm.Engine.dll"), engine.Location);

        var sdk = engine.GetReferencedAssemblies().Single(a => a.Name == "OpenAI");
        var loaded = context.LoadFromAssemblyName(sdk);
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(loaded));
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "OpenAI");
    }

    [Fact]
    public void Shared_assemblies_are_never_taken_from_deps()
    {
        Assert.False(File.Exists(Path.Combine(ModuleLayout.Directory, "deps", "PsLlm.Abstractions.dll")));
        Assert.False(File.Exists(Path.Combine(ModuleLayout.Directory, "deps", "PsLlm.dll")));
        var abstractions = typeof(PsLlm.Engine.Chat.ChatRunner).Assembly.GetReferencedAssemblies().Single(a => a.Name == "PsLlm.Abstractions");
        var context = AssemblyLoadContext.GetLoadContext(typeof(PsLlm.Engine.Chat.ChatRunner).Assembly)!;
        Assert.Same(typeof(LlmClient).Assembly, context.LoadFromAssemblyName(abstractions));
    }

    public void Dispose() => _session.Dispose();
}
