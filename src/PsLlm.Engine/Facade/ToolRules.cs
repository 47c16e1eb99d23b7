using PsLlm.Engine.Tools;

namespace PsLlm.Engine;

/// <summary>
/// What the engine needs of a tool made elsewhere (New-LlmTool makes them from commands): a name
/// OpenAI accepts, a JSON schema of its arguments, and output short enough to send back.
/// </summary>
public static class ToolRules
{
    /// <summary>The most characters of a tool's output sent back to the model; the rest is cut, and the model told so.</summary>
    public const int MaxOutputCharacters = ToolOutputLimit.MaxCharacters;

    /// <summary>
    /// The JSON schema (as JSON text) of an arguments object with these parameters. With
    /// <paramref name="strict"/> it is valid for OpenAI's strict mode: every parameter listed as
    /// required, optional ones nullable, objects sent as JSON text.
    /// </summary>
    public static string Schema(IEnumerable<ToolParameterSpec> parameters, bool strict) => ToolSchemaBuilder.Build(parameters, strict);

    /// <summary>
    /// A command's name as a tool name: Get-Process stays as it is, My.Cmd becomes My_Cmd, a
    /// module-qualified name or a script path keeps only the command's own part, and long names are cut to 64.
    /// </summary>
    public static string NameFor(string commandName) => ToolNameRules.FromCommandName(commandName);

    /// <summary>Throws LlmInvalidToolName (InvalidInput, parameter Name) unless OpenAI accepts <paramref name="name"/>.</summary>
    public static void CheckName(string? name) => ToolNameRules.EnsureValid(name);

    /// <summary>The output as sent to the model: at most <see cref="MaxOutputCharacters"/>, saying how much was cut.</summary>
    public static string LimitOutput(string output) => ToolOutputLimit.Apply(output);
}
