namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// Where the log lives unless told otherwise: PSLLM_LOG_PATH, else logs.db in PsLlm's folder under
/// the user's local application data, as llm keeps its logs.db: ~/.local/share/PsLlm/logs.db on
/// Linux ($XDG_DATA_HOME when set), ~/Library/Application Support/PsLlm/logs.db on macOS,
/// %LOCALAPPDATA%\PsLlm\logs.db on Windows. The folder is created on first use.
/// </summary>
internal static class LlmLogLocation
{
    public const string EnvironmentVariable = "PSLLM_LOG_PATH";

    public static string Default
    {
        get
        {
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } overridden)
                return Path.GetFullPath(overridden);
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(data))
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(data, "PsLlm", "logs.db");
        }
    }
}
