namespace PsLlm.Interactive;

/// <summary>
/// Reads the lines typed into Start-LlmChat: q/quit/exit end the chat, a line starting with "/"
/// is a command, "//" escapes a prompt that itself starts with "/", anything else is a prompt.
/// Kept free of PowerShell so the rules are unit-tested.
/// </summary>
internal static class ChatCommandParser
{
    /// <summary>What /help prints.</summary>
    public const string HelpText =
        "Commands:\n" +
        "  /help            this list\n" +
        "  /history         show the conversation so far\n" +
        "  /clear           forget the history (the system message stays)\n" +
        "  /system <text>   set the system message (/system alone shows it)\n" +
        "  /model <name>    chat with another model (/model alone shows it; Tab-complete with Get-LlmModel)\n" +
        "  /tools           the tools the model may call\n" +
        "  /attach <path>   send a file or image (or an image URL) with the next prompt\n" +
        "  /retry           ask the last prompt again\n" +
        "  /copy            copy the last answer to the clipboard\n" +
        "  /save <path>     save the session (Import-LlmChatSession reads it back)\n" +
        "  ```              on a line of its own: type several lines, until another ```\n" +
        "  q, quit, exit    end the chat (so does Ctrl+C at an empty prompt, or the end of input)\n" +
        "  //text           send a prompt that starts with /\n" +
        "Ctrl+C while an answer arrives stops it and keeps what came; the history does not take it.";

    /// <summary>Parses one line; null (the end of input) means quit.</summary>
    public static ChatCommand Parse(string? line)
    {
        if (line is null) return new ChatCommand(ChatCommandKind.Quit);
        var text = line.Trim();
        if (text.Length == 0) return new ChatCommand(ChatCommandKind.Empty);
        if (IsQuitWord(text)) return new ChatCommand(ChatCommandKind.Quit);
        if (text.StartsWith("//", StringComparison.Ordinal)) return new ChatCommand(ChatCommandKind.Prompt, text[1..]);
        if (!text.StartsWith('/')) return new ChatCommand(ChatCommandKind.Prompt, text);

        var split = text.AsSpan().IndexOfAny(' ', '\t');
        var name = (split < 0 ? text : text[..split]).ToLowerInvariant();
        var argument = split < 0 ? string.Empty : text[(split + 1)..].Trim();
        return name switch
        {
            "/q" or "/quit" or "/exit" => new ChatCommand(ChatCommandKind.Quit),
            "/clear" => new ChatCommand(ChatCommandKind.Clear),
            "/history" => new ChatCommand(ChatCommandKind.History),
            "/save" => new ChatCommand(ChatCommandKind.Save, Unquote(argument)),
            "/system" => new ChatCommand(ChatCommandKind.System, argument),
            "/model" => new ChatCommand(ChatCommandKind.Model, argument),
            "/tools" => new ChatCommand(ChatCommandKind.Tools),
            "/retry" => new ChatCommand(ChatCommandKind.Retry),
            "/copy" => new ChatCommand(ChatCommandKind.Copy),
            "/attach" => new ChatCommand(ChatCommandKind.Attach, Unquote(argument)),
            "/help" or "/?" => new ChatCommand(ChatCommandKind.Help),
            _ => new ChatCommand(ChatCommandKind.Unknown, split < 0 ? text : text[..split]),
        };
    }

    /// <summary>The hint printed for an unknown command.</summary>
    public static string UnknownHint(string command) =>
        $"Unknown command '{command}'. Type /help for the commands; start a line with // to send it as a prompt.";

    private static bool IsQuitWord(string text) =>
        text.Equals("q", StringComparison.OrdinalIgnoreCase)
        || text.Equals("quit", StringComparison.OrdinalIgnoreCase)
        || text.Equals("exit", StringComparison.OrdinalIgnoreCase);

    // Paths with spaces are naturally typed in quotes: /save "my chat.json".
    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;
}
