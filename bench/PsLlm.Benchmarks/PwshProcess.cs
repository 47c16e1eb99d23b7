using System.Diagnostics;

namespace PsLlm.Benchmarks;

/// <summary>Runs pwsh processes for the benchmarks that measure PsLlm as a user meets it, and the statistics they print.</summary>
internal static class PwshProcess
{
    /// <summary>pwsh: --pwsh, else PSLLM_PWSH, else the repository's tool manifest (dotnet pwsh), else pwsh on PATH.</summary>
    public static string Find(IReadOnlyList<string> args) =>
        Option(args, "--pwsh") ?? Environment.GetEnvironmentVariable("PSLLM_PWSH") ?? FindPwsh(RepositoryRoot());

    /// <summary>The built module (--module, else out/PsLlm); null, after saying so, when it is not built.</summary>
    public static string? Module(IReadOnlyList<string> args)
    {
        var module = Path.GetFullPath(Option(args, "--module") ?? Path.Combine(RepositoryRoot(), "out", "PsLlm"));
        if (File.Exists(Path.Combine(module, "PsLlm.psd1"))) return module;
        Console.Error.WriteLine($"No built module at {module}: run ./build.ps1 first.");
        return null;
    }

    public static double Time(string pwsh, string command)
    {
        var clock = Stopwatch.StartNew();
        Output(pwsh, command);
        return clock.Elapsed.TotalMilliseconds;
    }

    public static List<string> Output(string pwsh, string command)
    {
        var info = new ProcessStartInfo(pwsh) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-Command", command }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pwsh failed ({process.ExitCode}): {stderr.Result}");
        return lines;
    }

    /// <summary>The pwsh executable itself ($PSHOME), so the dotnet muxer's start-up is not counted.</summary>
    private static string FindPwsh(string root)
    {
        try
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
            foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSHOME" }) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var home = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            var path = Path.Combine(home, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
            if (process.ExitCode == 0 && File.Exists(path)) return path;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return "pwsh";
    }

    public static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
            if (args[i] == name) return args[i + 1];
        return null;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PsLlm.sln"))) return dir.FullName;
        throw new InvalidOperationException("PsLlm.sln not found above " + AppContext.BaseDirectory);
    }
}
