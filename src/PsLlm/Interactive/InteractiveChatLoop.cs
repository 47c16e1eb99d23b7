using System.Management.Automation;
using System.Text;
using PsLlm.Arguments;
using PsLlm.Delivery;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.Rendering;
using PsLlm.Sessions;

namespace PsLlm.Interactive;

/// <summary>
/// Start-LlmChat's read–answer loop (LangChain's <c>run(llm)</c> console loop): prompt "You: ",
/// read a line (<see cref="ChatInput"/>), run it as a streamed chat of the session shown as it
/// arrives, repeat until q/quit/exit, Ctrl+C at an empty prompt, or the end of input. Slash
/// commands act on the session (see <see cref="ChatCommandParser"/>). Every turn goes through
/// <see cref="ChatInvocation"/>, so it raises the usual events; a failed turn is an ordinary
/// non-terminating error, a turn stopped with Ctrl+C keeps what arrived on screen, and neither
/// changes the history. Everything shown goes out as host text (<see cref="HostWriter"/>), so
/// Start-Transcript records the conversation and 6&gt;&amp;1 captures it.
/// </summary>
internal sealed class InteractiveChatLoop
{
    public const string UserPrompt = "You: ";
    public const string AnswerPrefix = "AI: ";
    private const string MorePrompt = "...  ";

    private readonly PSCmdlet _cmdlet;
    private readonly ChatInvocation _invocation;
    private readonly ChatSession _session;
    private readonly LlmClient? _client;
    private readonly IReadOnlyList<LlmTool> _tools;
    private readonly bool _markdown;
    private ChatInput? _input;
    private readonly HostWriter _writer;
    private readonly List<string> _attachments = new();
    private string? _model;
    private string? _lastPrompt;
    private IReadOnlyList<string> _lastAttachments = Array.Empty<string>();
    private string? _lastAnswer;

    /// <summary>
    /// A loop over <paramref name="session"/>; <paramref name="client"/> and <paramref name="model"/>
    /// override the session's for these chats (null: the session's own); <paramref name="tools"/>
    /// may be called by the model; <paramref name="markdown"/> draws the answers.
    /// </summary>
    public InteractiveChatLoop(PSCmdlet cmdlet, ChatInvocation invocation, ChatSession session, LlmClient? client, string? model, IReadOnlyList<LlmTool> tools, bool markdown)
    {
        _cmdlet = cmdlet;
        _invocation = invocation;
        _session = session;
        _client = client;
        _model = model;
        _tools = tools;
        _markdown = markdown;
        _writer = new HostWriter(cmdlet.Host.UI);
    }

    public void Run()
    {
        using var hostText = HostWriter.Through(_cmdlet);
        using var input = ChatInput.For(_cmdlet, _writer);
        _input = input;
        _writer.WriteLine($"Chat{Describe()}. Type /help for commands, q to quit.");
        while (true)
        {
            var line = input.Read(UserPrompt);
            if (line is null) return;
            if (line.Interrupted)
            {
                // Ctrl+C at an empty prompt leaves; with text typed, it drops the text.
                if (line.Text.Length == 0) return;
                continue;
            }
            var text = line.Text;
            if (text.Contains('\n')) text = Unfenced(text);
            else if (IsFence(text))
            {
                text = ReadBlock(input, text);
                if (text is null) continue;
            }

            var command = text.Contains('\n') ? new ChatCommand(ChatCommandKind.Prompt, text.Trim()) : ChatCommandParser.Parse(text);
            switch (command.Kind)
            {
                case ChatCommandKind.Quit: return;
                case ChatCommandKind.Empty: break;
                case ChatCommandKind.Prompt: Chat(command.Text, TakeAttachments()); break;
                case ChatCommandKind.Clear:
                    _session.Clear();
                    _writer.WriteLine("History cleared.");
                    break;
                case ChatCommandKind.History: ShowHistory(); break;
                case ChatCommandKind.System: SetSystem(command.Text); break;
                case ChatCommandKind.Model: SetModel(command.Text); break;
                case ChatCommandKind.Tools: ShowTools(); break;
                case ChatCommandKind.Attach: Attach(command.Text); break;
                case ChatCommandKind.Retry: Retry(); break;
                case ChatCommandKind.Copy: Copy(); break;
                case ChatCommandKind.Save: Save(command.Text); break;
                case ChatCommandKind.Help: _writer.WriteLine(ChatCommandParser.HelpText); break;
                default: _writer.WriteLine(ChatCommandParser.UnknownHint(command.Text)); break;
            }
        }
    }

    private void Chat(string prompt, IReadOnlyList<string> attachments)
    {
        var writer = new HostTokenWriter(_writer, AnswerPrefix, () => _markdown ? new MarkdownStream(TerminalStyle.Width(_cmdlet)) : null);
        using var interrupt = new ConsoleInterrupt();
        var response = _invocation.Run(new ChatParameters
        {
            Prompt = prompt,
            Attachment = attachments.ToArray(),
            Session = _session,
            Client = _client,
            Model = _model,
            Tool = _tools.Count > 0 ? _tools.ToArray() : null,
            Stream = true,
            WriteTokens = false,
            Interrupt = interrupt,
            ExtraHandlers = new CallbackHandler[] { writer },
            ApproveTool = AskToRun,
        });
        _lastPrompt = prompt;
        _lastAttachments = attachments;
        if (response is null) return;
        if (interrupt.Requested)
        {
            // What arrived stays on screen and for /copy, but is no turn of the history.
            if (!string.IsNullOrEmpty(response.Text)) _lastAnswer = response.Text;
            _writer.WriteLine("[stopped: the answer so far is not kept in the history; /copy copies it]", ConsoleColor.DarkGray);
            return;
        }
        _lastAnswer = response.Text;
        if (!writer.WroteAny) _writer.WriteLine(AnswerPrefix + "(no text in the answer)");
    }

    /// <summary>
    /// Asks at the prompt before an approval-gated tool runs (Start-LlmChat has no -Confirm to ask
    /// through, and must never run such a tool unasked): only y or yes runs it.
    /// </summary>
    private bool AskToRun(LlmTool tool, ToolCall call)
    {
        var answer = _input?.Read($"Run {tool.Name}({call.Arguments})? [y/N] ");
        var yes = answer is { Interrupted: false } && answer.Text.Trim() is var text
            && (text.Equals("y", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase));
        if (!yes) _writer.WriteLine($"[not run] {tool.Name}", ConsoleColor.DarkGray);
        return yes;
    }

    /// <summary>Asks the last prompt again; its answer, when the history has it, is dropped first.</summary>
    private void Retry()
    {
        if (_lastPrompt is null)
        {
            _writer.WriteLine("Nothing to retry yet.");
            return;
        }
        var last = _session.Messages.LastOrDefault(m => m.Role == "user");
        if (last is not null && last.Content == _lastPrompt) _session.RemoveLastTurn();
        Chat(_lastPrompt, _lastAttachments);
    }

    private void Copy()
    {
        if (_lastAnswer is null)
        {
            _writer.WriteLine("No answer to copy yet.");
            return;
        }
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Microsoft.PowerShell.Management\\Set-Clipboard").AddParameter("Value", _lastAnswer);
        try
        {
            shell.Invoke();
            var failure = shell.Streams.Error.FirstOrDefault();
            _writer.WriteLine(failure is null ? "Copied the last answer." : $"The clipboard cannot be used here: {failure}");
        }
        catch (Exception e) when (e is RuntimeException or CommandNotFoundException or PlatformNotSupportedException)
        {
            _writer.WriteLine($"The clipboard cannot be used here: {e.Message}");
        }
    }

    private void Attach(string target)
    {
        if (target.Length == 0)
        {
            _writer.WriteLine(_attachments.Count == 0 ? "Usage: /attach <path or image URL> (sent with the next prompt)" : $"With the next prompt: {string.Join(", ", _attachments)}");
            return;
        }
        try
        {
            // Checked now, so a wrong path is said at once, not after the next prompt is typed.
            var attachment = AttachmentArgument.ToAttachments(_cmdlet, [target]).Single();
            _attachments.Add(target);
            _writer.WriteLine($"Attached {attachment}; it goes with the next prompt.");
        }
        catch (LlmException error)
        {
            _cmdlet.WriteError(LlmErrorRecords.From(error, target));
        }
    }

    private IReadOnlyList<string> TakeAttachments()
    {
        var taken = _attachments.ToArray();
        _attachments.Clear();
        return taken;
    }

    private void SetModel(string name)
    {
        if (name.Length == 0)
        {
            _writer.WriteLine($"Model: {CurrentModel() ?? "(the client's)"}");
            return;
        }
        _model = name;
        _writer.WriteLine($"Model set to {name}.");
    }

    private void ShowTools()
    {
        if (_tools.Count == 0)
        {
            _writer.WriteLine("No tools. Start-LlmChat -Tool (New-LlmTool) gives the model some.");
            return;
        }
        foreach (var tool in _tools)
            _writer.WriteLine($"  {tool.Name}{(tool.RequireApproval ? " (asks first)" : string.Empty)}: {tool.Description}");
    }

    private void ShowHistory()
    {
        var messages = _session.Messages;
        _writer.WriteLine(messages.Count == 0 ? "History: none yet." : $"History ({_session.TurnCount} turns):");
        if (_session.System is { } system) _writer.WriteLine($"  System: {system}");
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case "user":
                    _writer.WriteLine($"  {UserPrompt}{message.Content}");
                    foreach (var attachment in message.Attachments) _writer.WriteLine($"    [attached] {attachment}");
                    break;
                case "tool": _writer.WriteLine($"    [tool result] {message.Name}: {message.Content}"); break;
                case "assistant":
                    foreach (var call in message.ToolCalls) _writer.WriteLine($"    [tool call] {call}");
                    if (message.Content.Length > 0 || message.ToolCalls.Count == 0) _writer.WriteLine($"  {AnswerPrefix}{message.Content}");
                    break;
                default: _writer.WriteLine($"  {message.Role}: {message.Content}"); break;
            }
        }
    }

    private void SetSystem(string text)
    {
        if (text.Length == 0)
        {
            _writer.WriteLine(_session.System is { } current ? $"System: {current}" : "(no system message; /system <text> sets one)");
            return;
        }
        _session.System = text;
        _writer.WriteLine("System message set.");
    }

    private void Save(string path)
    {
        if (path.Length == 0)
        {
            _writer.WriteLine("Usage: /save <path>");
            return;
        }
        var resolved = ChatSessionFiles.Resolve(_cmdlet, path, out var error);
        error ??= ChatSessionFiles.Export(_session, resolved!, noClobber: false);
        if (error is null) _writer.WriteLine($"Saved to {resolved}.");
        else _cmdlet.WriteError(error);
    }

    private static bool IsFence(string line) => line.Trim().StartsWith("```", StringComparison.Ordinal);

    /// <summary>Lines entered at once (pasted, or with Shift+Enter) between bare ``` lines: the lines inside.</summary>
    private static string Unfenced(string text)
    {
        var lines = text.Split('\n');
        return lines.Length >= 2 && lines[0].Trim() == "```" && lines[^1].Trim() == "```"
            ? string.Join('\n', lines[1..^1])
            : text;
    }

    /// <summary>
    /// Several lines typed between two ``` lines, as one prompt; the lines keep their breaks. A
    /// fence with text after it (```powershell) is part of the prompt; Ctrl+C abandons the block.
    /// </summary>
    private static string? ReadBlock(ChatInput input, string opening)
    {
        var text = new StringBuilder();
        var fenced = opening.Trim() != "```";
        if (fenced) text.Append(opening).Append('\n');
        while (input.Read(MorePrompt) is { } line)
        {
            if (line.Interrupted) return null;
            if (line.Text.Trim() == "```")
            {
                if (fenced) text.Append(line.Text).Append('\n');
                return text.ToString();
            }
            text.Append(line.Text).Append('\n');
        }
        return text.ToString();
    }

    private string? CurrentModel() => _model ?? _session.Model ?? Client()?.Model;

    private LlmClient? Client()
    {
        try
        {
            return ClientResolver.Resolve(_client ?? _session.Client);
        }
        catch (LlmException)
        {
            return null; // the first chat reports the problem properly
        }
    }

    /// <summary>" with gpt-4o-mini at http://…/v1", as far as the client can be known before the first chat.</summary>
    private string Describe() =>
        Client() is { } client ? $" with {CurrentModel()} at {ChatEngine.ShowEndpoint(client.Endpoint)}" : string.Empty;
}
