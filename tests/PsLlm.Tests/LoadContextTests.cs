using System.Reflection;
using System.Runtime.Loader;
using PsLlm.Hosting;

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
        var engine = typeof(PsLlm.Engine.ChatEngine).Assembly;
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
        var abstractions = typeof(PsLlm.Engine.ChatEngine).Assembly.GetReferencedAssemblies().Single(a => a.Name == "PsLlm.Abstractions");
        var context = AssemblyLoadContext.GetLoadContext(typeof(PsLlm.Engine.ChatEngine).Assembly)!;
        Assert.Same(typeof(LlmClient).Assembly, context.LoadFromAssemblyName(abstractions));
    }

    [Fact]
    public void Only_the_assembly_asked_for_is_taken_from_deps()
    {
        var openAI = Path.Combine(ModuleLayout.Directory, "deps", "OpenAI.dll");
        var real = AssemblyName.GetAssemblyName(openAI);
        Assert.True(EngineLoadContext.IsSatisfiedBy(new AssemblyName(real.FullName), openAI));
        Assert.True(EngineLoadContext.IsSatisfiedBy(new AssemblyName("OpenAI"), openAI)); // by simple name

        var otherPublisher = new AssemblyName(real.FullName);
        otherPublisher.SetPublicKeyToken(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        Assert.False(EngineLoadContext.IsSatisfiedBy(otherPublisher, openAI));
        Assert.False(EngineLoadContext.IsSatisfiedBy(new AssemblyName(real.FullName) { CultureName = "de-DE" }, openAI));
        Assert.False(EngineLoadContext.IsSatisfiedBy(new AssemblyName(real.FullName) { Version = new Version(real.Version!.Major + 1, 0, 0, 0) }, openAI));
        Assert.False(EngineLoadContext.IsSatisfiedBy(new AssemblyName(real.FullName) { Name = "OpenAI.Other" }, openAI));
    }

    [Fact]
    public void A_file_named_like_the_request_but_holding_another_assembly_is_not_loaded()
    {
        var folder = Directory.CreateTempSubdirectory("psllm-alc-").FullName;
        try
        {
            // System.ClientModel's bytes under another name: the context must not hand them out as that name.
            File.Copy(Path.Combine(ModuleLayout.Directory, "deps", "System.ClientModel.dll"), Path.Combine(folder, "Contoso.Widgets.dll"));
            var context = new EngineLoadContext(folder);
            Assert.Throws<FileNotFoundException>(() => context.LoadFromAssemblyName(new AssemblyName("Contoso.Widgets")));
            Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == "System.ClientModel");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose() => _session.Dispose();
}
