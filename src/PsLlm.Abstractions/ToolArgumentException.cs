namespace PsLlm;

/// <summary>
/// The model's arguments do not fit the tool (a missing or unknown parameter, a path outside the
/// tool's folder). Thrown by <see cref="LlmTool.CheckArguments"/> or <see cref="LlmTool.Invoke(IReadOnlyDictionary{string, object?})"/>:
/// the tool does not run, and the message goes back to the model so it can correct its call.
/// </summary>
public sealed class ToolArgumentException : Exception
{
    /// <summary>An exception whose <paramref name="message"/> the model will read.</summary>
    public ToolArgumentException(string message) : base(message) { }
}
