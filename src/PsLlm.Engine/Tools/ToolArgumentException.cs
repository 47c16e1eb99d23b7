namespace PsLlm.Engine.Tools;

/// <summary>The model's arguments do not fit the tool's schema; the message goes back to the model.</summary>
public sealed class ToolArgumentException : Exception
{
    public ToolArgumentException(string message) : base(message) { }
}
