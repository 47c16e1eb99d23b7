using System.Runtime.CompilerServices;

namespace PsLlm.Engine.Tests;

/// <summary>
/// A run blocks its thread while it drains what the reader queued, as it blocks PowerShell's
/// pipeline thread. Here that thread is a test thread from the pool, and the fake server, the
/// reader and the handlers' workers run on the pool in the same process. On a two-core machine the
/// pool starts with two threads and adds one about every half second, so a streamed answer could
/// stall for that long mid-stream and tests of timing (tokens live, pumping between them) failed
/// at random. A higher floor gives this process what a real one has: a server elsewhere.
/// </summary>
internal static class ThreadPoolFloor
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
