using Microsoft.Extensions.Hosting;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// Replaces the default console lifetime: an in-process server (e.g. inside a test run) must not hook
/// Ctrl+C or SIGTERM of its host process. The standalone program handles those itself.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
