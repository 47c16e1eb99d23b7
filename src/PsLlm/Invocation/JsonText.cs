using System.Collections;
using System.Management.Automation;

namespace PsLlm.Invocation;

/// <summary>
/// JSON in and out of PowerShell's own shapes, through ConvertTo-Json/ConvertFrom-Json so that
/// ordered hashtables keep their order and answers become ordinary PSCustomObjects.
/// </summary>
internal static class JsonText
{
    /// <summary>A -JsonSchema value as JSON text: JSON text as given, a hashtable converted.</summary>
    public static string FromSchema(object schema, PSCmdlet cmdlet)
    {
        var value = schema is PSObject p ? p.BaseObject : schema;
        if (value is string text)
        {
            // Checked here, before anything is sent, rather than blamed on the server later.
            if (Run(cmdlet, InvalidSchema, "ConvertFrom-Json", ("InputObject", text), ("AsHashtable", true), ("Depth", 100)) is not IDictionary)
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidJsonSchema",
                    "-JsonSchema must be a JSON object (a schema such as {\"type\": \"object\", ...}).") { ParameterName = "JsonSchema" };
            return text;
        }
        if (value is not IDictionary)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidJsonSchema",
                $"-JsonSchema takes JSON text or a hashtable, not {value.GetType().Name}.") { ParameterName = "JsonSchema" };
        return Run(cmdlet, InvalidSchema, "ConvertTo-Json", ("InputObject", value), ("Depth", 100), ("Compress", true))?.ToString()
            ?? throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidJsonSchema", "-JsonSchema could not be converted to JSON.") { ParameterName = "JsonSchema" };
    }

    /// <summary>A hashtable (or any object) as compact JSON text, as ConvertTo-Json writes it.</summary>
    public static string ToJson(object value, PSCmdlet cmdlet, Func<string, Exception?, LlmException> fail) =>
        Run(cmdlet, fail, "ConvertTo-Json", ("InputObject", value), ("Depth", 100), ("Compress", true))?.ToString() ?? "null";

    /// <summary>Parses an answer into PSCustomObjects (arrays into object[]).</summary>
    public static object? ToObject(string json, PSCmdlet cmdlet) =>
        Run(cmdlet, InvalidAnswer, "ConvertFrom-Json", ("InputObject", json), ("Depth", 100), ("NoEnumerate", true));

    private static LlmException InvalidSchema(string problem, Exception? cause) =>
        new(LlmErrorKind.InvalidInput, "LlmInvalidJsonSchema", $"-JsonSchema is not valid JSON: {problem}", cause) { ParameterName = "JsonSchema" };

    private static LlmException InvalidAnswer(string problem, Exception? cause) =>
        new(LlmErrorKind.InvalidResponse, "LlmInvalidJson", $"The answer is not valid JSON: {problem}", cause);

    private static object? Run(PSCmdlet cmdlet, Func<string, Exception?, LlmException> fail, string command, params (string Name, object Value)[] parameters)
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand(command);
        foreach (var (name, parameterValue) in parameters) shell.AddParameter(name, parameterValue);
        System.Collections.ObjectModel.Collection<PSObject> results;
        try
        {
            results = shell.Invoke();
        }
        catch (RuntimeException failure)
        {
            throw fail(failure.Message, failure);
        }
        if (shell.HadErrors && shell.Streams.Error.Count > 0) throw fail(shell.Streams.Error[0].ToString(), null);
        return results.Count == 0 ? null : results[0]?.BaseObject is { } baseObject && baseObject is not PSCustomObject ? baseObject : results[0];
    }
}
