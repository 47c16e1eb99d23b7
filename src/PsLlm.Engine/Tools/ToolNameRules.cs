using System.Text;
using System.Text.RegularExpressions;

namespace PsLlm.Engine.Tools;

/// <summary>
/// What OpenAI accepts as a function name (letters, digits, '_' and '-', 1 to 64 characters), and
/// how a PowerShell command name becomes one.
/// </summary>
internal static class ToolNameRules
{
    public const int MaxLength = 64;

    private static readonly Regex Valid = new("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

    public static bool IsValid(string? name) => name is not null && Valid.IsMatch(name);

    /// <summary>Throws LlmInvalidToolName (InvalidInput) unless <paramref name="name"/> is valid.</summary>
    public static void EnsureValid(string? name)
    {
        if (!IsValid(name))
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidToolName",
                $"'{name}' is not a valid tool name: use 1 to {MaxLength} letters, digits, '_' or '-'.")
            {
                ParameterName = "Name",
                RecommendedAction = "Give -Name a name such as Get-Weather or get_weather.",
            };
    }

    /// <summary>
    /// A command name as a tool name: Get-Process stays as it is, My.Cmd becomes My_Cmd, a
    /// module-qualified name keeps only the command's part, and long names are cut to 64.
    /// </summary>
    public static string FromCommandName(string commandName)
    {
        var name = commandName ?? string.Empty;
        var slash = name.AsSpan().LastIndexOfAny('\\', '/');
        if (slash >= 0 && slash < name.Length - 1) name = name[(slash + 1)..];
        if (name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) && name.Length > 4) name = name[..^4];

        var text = new StringBuilder(name.Length);
        foreach (var c in name)
            text.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' ? c : '_');
        var result = text.ToString();
        if (result.Length == 0) result = "tool";
        return result.Length > MaxLength ? result[..MaxLength] : result;
    }
}
