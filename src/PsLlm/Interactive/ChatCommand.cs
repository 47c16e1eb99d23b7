namespace PsLlm.Interactive;

/// <summary>What a line typed into Start-LlmChat asks for.</summary>
internal enum ChatCommandKind
{
    /// <summary>Send <see cref="ChatCommand.Text"/> to the model.</summary>
    Prompt,
    /// <summary>A blank line: ask again.</summary>
    Empty,
    /// <summary>q, quit, exit (or /q, /quit, /exit), or the end of input.</summary>
    Quit,
    /// <summary>/clear: forget the history.</summary>
    Clear,
    /// <summary>/history: show the turns so far.</summary>
    History,
    /// <summary>/save &lt;path&gt;: export the session; <see cref="ChatCommand.Text"/> is the path (empty when none was given).</summary>
    Save,
    /// <summary>/system [text]: set the system message, or show it when no text follows.</summary>
    System,
    /// <summary>/help or /?.</summary>
    Help,
    /// <summary>A /word this loop does not know; <see cref="ChatCommand.Text"/> is that word.</summary>
    Unknown,
}

/// <summary>One parsed input line: what to do and its text (the prompt, path, system message or unknown command).</summary>
internal sealed record ChatCommand(ChatCommandKind Kind, string Text = "");
