namespace PsLlm.Engine.Tools;

/// <summary>Keeps what goes back to the model within bounds: a runaway tool must not fill the context.</summary>
public static class ToolOutputLimit
{
    public const int MaxCharacters = 16_000;

    public static string Apply(string output) => output.Length <= MaxCharacters
        ? output
        : output[..MaxCharacters] + $"…[truncated {output.Length - MaxCharacters} characters]";
}
