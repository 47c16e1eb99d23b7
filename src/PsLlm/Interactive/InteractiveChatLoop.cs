using System.Management.Automation;
using System.Management.Automation.Host;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.Sessions;

namespace PsLlm.Interactive;

/// <summary>
/// Start-LlmChat's read–answer loop (LangChain's <c>run(llm)</c> console loop): prompt "You: ",
/// read a line, run it as a streamed chat of the session shown on the host as it arrives, repeat
/// until q/quit/exit or the end of input. Slash commands act on the session (see
/// <see cref="ChatCommandParser"/>). Every turn goes through <see cref="ChatInvocation"/>, so it
/// raises the usual events and a failed turn is an ordinary non-terminating error: it is written,
/// the history stays as it was, and the loop goes on.
/// </summary>
internal sealed class InteractiveChatLoop
{
    public const string UserPrompt = "You: ";
    public const string AnswerPrefix = "AI: ";

    private readonly PSCmdlet _cmdlet;
    private readonly ChatInvocation _invocation;
    private readonly ChatSession _session;
    private readonly LlmClient? _client;
    private readonly string? _model;
    private readonly PSHostUserInterface _ui;
    // Piped input (a script, a test) is read from stdin; a person types at the host.
    private readonly bool _redirected = Console.IsInputRedirected;

    /// <summary>
    /// A loop over <paramref name="session"/>; <paramref name="client"/> and <paramref name="model"/>
    /// override the session's for these chats (null: the session's own).
    /// </summary>
    public InteractiveChatLoop(PSCmdlet cmdlet, ChatInvocation invocation, ChatSession session, LlmClient? client, string? model)
    {
        _cmdlet = cmdlet;
        _invocation = invocation;
        _session = session;
        _client = client;
        _model = model;
        _ui = cmdlet.Host.UI;
    }

    public void Run()
    {
        _ui.WriteLine($"Chat{Describe()}. Type /help for commands, q to quit.");
        while (true)
        {
            _ui.Write(UserPrompt);
            var line = _redirected ? Console.In.ReadLine() : _ui.ReadLine();
            // Redirected input is not echoed by a terminal: echo it so the transcript reads as a conversation.
            if (_redirected || line is null) _ui.WriteLine(line ?? string.Empty);

            var command = ChatCommandParser.Parse(line);
            switch (command.Kind)
            {
                case ChatCommandKind.Quit: return;
                case ChatCommandKind.Empty: break;
                case ChatCommandKind.Prompt: Chat(command.Text); break;
                case ChatCommandKind.Clear:
                    _session.Clear();
                    _ui.WriteLine("History cleared.");
                    break;
                case ChatCommandKind.History: ShowHistory(); break;
                case ChatCommandKind.System: SetSystem(command.Text); break;
                case ChatCommandKind.Save: Save(command.Text); break;
                case ChatCommandKind.Help: _ui.WriteLine(ChatCommandParser.HelpText); break;
                default: _ui.WriteLine(ChatCommandParser.UnknownHint(command.Text)); break;
            }
        }
    }

    private void Chat(string prompt)
    {
        var writer = new HostTokenWriter(_ui, AnswerPrefix);
        var response = _invocation.Run(new ChatParameters
        {
            Prompt = prompt,
            Session = _session,
            Client = _client,
            Model = _model,
            Stream = true,
            WriteTokens = false,
            ExtraHandlers = new CallbackHandler[] { writer },
        });
        if (response is not null && !writer.WroteAny) _ui.WriteLine(AnswerPrefix + "(no text in the answer)");
    }

    private void ShowHistory()
    {
        var messages = _session.Messages;
        _ui.WriteLine(messages.Count == 0 ? "History: none yet." : $"History ({_session.TurnCount} turns):");
        if (_session.System is { } system) _ui.WriteLine($"  System: {system}");
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case "user": _ui.WriteLine($"  {UserPrompt}{message.Content}"); break;
                case "tool": _ui.WriteLine($"    [tool result] {message.Name}: {message.Content}"); break;
                case "assistant":
                    foreach (var call in message.ToolCalls) _ui.WriteLine($"    [tool call] {call}");
                    if (message.Content.Length > 0 || message.ToolCalls.Count == 0) _ui.WriteLine($"  {AnswerPrefix}{message.Content}");
                    break;
                default: _ui.WriteLine($"  {message.Role}: {message.Content}"); break;
            }
        }
    }

    private void SetSystem(string text)
    {
        if (text.Length == 0)
        {
            _ui.WriteLine(_session.System is { } current ? $"System: {current}" : "(no system message; /system <text> sets one)");
            return;
        }
        _session.System = text;
        _ui.WriteLine("System message set.");
    }

    private void Save(string path)
    {
        if (path.Length == 0)
        {
            _ui.WriteLine("Usage: /save <path>");
            return;
        }
        var resolved = ChatSessionFiles.Resolve(_cmdlet, path, out var error);
        error ??= ChatSessionFiles.Export(_session, resolved!, noClobber: false);
        if (error is null) _ui.WriteLine($"Saved to {resolved}.");
        else _cmdlet.WriteError(error);
    }

    /// <summary>" with gpt-4o-mini at http://…/v1", as far as the client can be known before the first chat.</summary>
    private string Describe()
    {
        try
        {
            var client = ClientResolver.Resolve(_client ?? _session.Client);
            return $" with {_model ?? _session.Model ?? client.Model} at {ChatEngine.ShowEndpoint(client.Endpoint)}";
        }
        catch (LlmException)
        {
            return string.Empty; // the first chat reports the problem properly
        }
    }
}
