using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PsLlm.Benchmarks;

/// <summary>
/// Every benchmark runs in this process (InProcessEmitToolchain): no generated project, no NuGet
/// restore at run time (works offline), and the fake server started in [GlobalSetup] lives next to
/// the code it feeds. The job is the config's default job, so BenchmarkDotNet's other command-line
/// job options (--iterationCount, --warmupCount, …) are applied on top of it. BenchmarkDotNet
/// ignores its own --job option when the config has a default job, so Program takes --job and
/// --quick off the command line and hands the choice here.
/// </summary>
internal static class BenchConfig
{
    /// <summary>
    /// ShortRun's single launch and 3 warmups, with 10 measured iterations rather than 3: the
    /// streaming cases share 2 cores with the fake server, and 3 iterations leave wide errors.
    /// About 2 minutes for everything.
    /// </summary>
    public static Job Quick { get; } = Job.ShortRun.WithIterationCount(10).WithId("Quick");

    /// <summary>BenchmarkDotNet's --job names.</summary>
    public static Job? Named(string name) => name.ToLowerInvariant() switch
    {
        "default" => Job.Default.WithId("Default"),
        "dry" => Job.Dry,
        "short" => Job.ShortRun,
        "medium" => Job.MediumRun,
        "long" => Job.LongRun,
        "verylong" => Job.VeryLongRun,
        "quick" => Quick,
        _ => null,
    };

    public static IConfig Create(Job job) =>
        DefaultConfig.Instance.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
}
