namespace PsLlm.Engine.Tools;

/// <summary>
/// Keeps what goes back to the model within bounds: a runaway tool must not fill the context.
/// The result, note included, is at most <see cref="MaxCharacters"/>, so applying it twice
/// changes nothing.
/// </summary>
internal static class ToolOutputLimit
{
    public const int MaxCharacters = 16_000;

    public static string Apply(string output)
    {
        if (output.Length <= MaxCharacters) return output;
        var keep = MaxCharacters;
        while (keep + Note(output.Length - keep).Length > MaxCharacters) keep--;
        return output[..keep] + Note(output.Length - keep);
    }

    private static string Note(int cut) => $"…[truncated {cut} characters]";
}
