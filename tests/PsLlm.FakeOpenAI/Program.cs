using System.Globalization;
using System.Runtime.InteropServices;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// Standalone entry point for out-of-process use (Pester):
/// <c>PsLlm.FakeOpenAI [--port N] [--recordings DIR] [--ignore-stdin]</c>. Prints one
/// "Listening on ..." line and serves until stdin closes, Ctrl+C or SIGTERM.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var port = 0;
        string? recordings = null;
        var watchStdin = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port):
                    i++;
                    break;
                case "--recordings" when i + 1 < args.Length:
                    recordings = args[++i];
                    break;
                case "--ignore-stdin":
                    // For launchers that cannot keep a pipe open (stdin at /dev/null would stop the server at once).
                    watchStdin = false;
                    break;
                default:
                    await Console.Error.WriteLineAsync(
                        $"Unexpected argument '{args[i]}'. Usage: PsLlm.FakeOpenAI [--port N] [--recordings DIR] [--ignore-stdin]");
                    return 2;
            }
        }

        await using var server = await FakeOpenAIServer.StartAsync(recordings, port);
        Console.Out.WriteLine($"Listening on {server.BaseUrl}");
        Console.Out.Flush();

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var sigterm = TryRegister(PosixSignal.SIGTERM, stop);
        if (watchStdin)
        {
            // Closing stdin is how a parent that dies without killing us still gets us to exit.
            var reader = new Thread(() => WaitForStdinToClose(stop)) { IsBackground = true, Name = "stdin watcher" };
            reader.Start();
        }

        await stop.Task;
        return 0;
    }

    private static void WaitForStdinToClose(TaskCompletionSource stop)
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (stdin.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        stop.TrySetResult();
    }

    private static PosixSignalRegistration? TryRegister(PosixSignal signal, TaskCompletionSource stop)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }
}
