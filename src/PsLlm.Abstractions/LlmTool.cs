namespace PsLlm;

/// <summary>
/// A function the model may call. New-LlmTool makes them from PowerShell commands and
/// scriptblocks; the engine sends the name, description and JSON schema, validates the model's
/// arguments against the schema and calls <see cref="Invoke(IReadOnlyDictionary{string, object?})"/> on the chat's thread.
/// </summary>
public abstract class LlmTool
{
    /// <summary>A tool with the name, description and JSON schema the model sees.</summary>
    protected LlmTool(string name, string description, string parametersSchema, bool strict, bool requireApproval)
    {
        Name = name;
        Description = description;
        ParametersSchema = parametersSchema;
        Strict = strict;
        RequireApproval = requireApproval;
    }

    /// <summary>The function name the model sees (letters, digits, _ and -; at most 64).</summary>
    public string Name { get; }
    /// <summary>What the tool does, for the model.</summary>
    public string Description { get; }
    /// <summary>The JSON schema of the arguments object, as JSON text.</summary>
    public string ParametersSchema { get; }
    /// <summary>Ask for OpenAI's strict mode (the schema then lists every property as required).</summary>
    public bool Strict { get; }
    /// <summary>Runs only after ShouldProcess approves it (-WhatIf, -Confirm).</summary>
    public bool RequireApproval { get; }
    /// <summary>The MCP server whose tool this is (Get-LlmMcpTool); null for tools made with New-LlmTool.</summary>
    public virtual string? McpServer => null;

    /// <summary>
    /// Runs the tool with the validated arguments (strings, longs, doubles, booleans, object[] and
    /// dictionaries) and returns the text sent back to the model. Exceptions become ToolError
    /// events, and their message goes back to the model instead.
    /// </summary>
    public abstract string Invoke(IReadOnlyDictionary<string, object?> arguments);

    /// <summary>
    /// What the chat calls: <see cref="Invoke(IReadOnlyDictionary{string, object?})"/> unless a tool
    /// needs the call's context — its cancellation (Ctrl+C) and a way to report progress and
    /// messages to the command that runs the chat (an MCP server's tool does).
    /// </summary>
    public virtual string Invoke(IReadOnlyDictionary<string, object?> arguments, LlmToolContext context) => Invoke(arguments);

    /// <summary>
    /// Checks the validated arguments before anything runs and before approval is asked (the
    /// agent loop calls it first); throw to refuse the call, and the message goes back to the
    /// model. The default accepts everything the schema allowed.
    /// </summary>
    public virtual void CheckArguments(IReadOnlyDictionary<string, object?> arguments)
    {
    }

    /// <summary>The tool's <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
