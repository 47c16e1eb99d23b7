using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>A fresh fake server (no recordings) per test class instance, i.e. per test.</summary>
public abstract class FakeServerTestBase : IAsyncLifetime
{
    protected FakeOpenAIServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeOpenAIServer.StartAsync();
    public async Task DisposeAsync() => await Server.DisposeAsync();
}
