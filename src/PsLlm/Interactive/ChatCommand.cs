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
    /// <summary>/model [name]: chat with another model from now on, or show the current one.</summary>
    Model,
    /// <summary>/tools: list the tools the model may call.</summary>
    Tools,
    /// <summary>/retry: ask the last prompt again (its answer, if any, is dropped from the history).</summary>
    Retry,
    /// <summary>/copy: the last answer to the clipboard.</summary>
    Copy,
    /// <summary>/attach &lt;path or URL&gt;: send a file or image with the next prompt; <see cref="ChatCommand.Text"/> is what to attach (empty lists what is pending).</summary>
    Attach,
    /// <summary>/help or /?.</summary>
    Help,
    /// <summary>A /word this loop does not know; <see cref="ChatCommand.Text"/> is that word.</summary>
    Unknown,
}

/// <summary>One parsed input line: what to do and its text (the prompt, path, system message or unknown command).</summary>
internal sealed record ChatCommand(ChatCommandKind Kind, string Text = "");
