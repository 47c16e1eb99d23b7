using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace PsLlm.Interactive;

/// <summary>
/// Start-LlmChat's prompt through PSReadLine, the editor pwsh's console uses (2.3 in pwsh 7.4 and
/// 7.5, 2.4 in 7.6): arrows, editing, history search, and Up for earlier prompts of this session.
/// PSReadLine reads PowerShell, so for the chat it is set up to read text, and put back afterwards:
/// <list type="bullet">
/// <item>Enter accepts the line as it is (PSReadLine would otherwise wait for the rest of an
/// "incomplete" command, such as <c>what's up</c> with its open quote); several keys already queued
/// mean a paste, whose line breaks stay in the text.</item>
/// <item>Ctrl+C ends the line and says so; Tab inserts spaces instead of completing commands;
/// Ctrl+Enter (Ctrl+J in most terminals) and Shift+Enter start a new line.</item>
/// <item>Nothing is coloured as PowerShell, nothing is predicted, and the chat's lines are kept in
/// memory only: PowerShell's history file never gets them. Up and Ctrl+R see the chat's own lines;
/// the shell's history is set aside while the chat runs and put back, item for item, after.</item>
/// </list>
/// Only public PSReadLine members are used, except two private fields through which Enter accepts a
/// line and sees a paste, and the history queue the shell's history is put back into; when a
/// PSReadLine version lacks them, Start-LlmChat reads with the host's plain reader instead.
/// </summary>
internal sealed class PSReadLineInput : ChatInput
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private const BindingFlags PublicStatic = BindingFlags.Public | BindingFlags.Static;
    private static readonly string[] ColorOptions =
        ["CommandColor", "CommentColor", "KeywordColor", "StringColor", "OperatorColor", "VariableColor", "ParameterColor", "TypeColor", "NumberColor", "MemberColor"];
    private static readonly string[] SavedOptions = [.. ColorOptions, "ErrorColor", "AddToHistoryHandler", "PredictionSource", "PromptText"];
    private static readonly string[] Chords = ["Enter", "Ctrl+c", "Tab", "Ctrl+Enter"];

    private const string ChatPrompt = InteractiveChatLoop.UserPrompt;
    private readonly PSCmdlet _cmdlet;
    private readonly Type _readLine;
    private readonly MethodInfo _read;
    private readonly object _singleton;
    private readonly FieldInfo _accepted;
    private readonly FieldInfo _queuedKeys;
    private readonly object _options;
    private readonly Dictionary<string, object?> _savedOptions = new();
    private readonly IDictionary _dispatchTable;
    private readonly Dictionary<string, object?> _savedKeys = new();
    private readonly FieldInfo _history;
    private readonly FieldInfo _historyIndex;
    private readonly HashSet<string> _chatLines = new(StringComparer.Ordinal);
    private List<object>? _savedHistory;
    private bool _ctrlC;
    private string _cancelledText = string.Empty;

    private PSReadLineInput(PSCmdlet cmdlet, Type readLine, MethodInfo read, object singleton, FieldInfo accepted, FieldInfo queuedKeys, object options, IDictionary dispatchTable, FieldInfo history, FieldInfo historyIndex)
    {
        _history = history;
        _historyIndex = historyIndex;
        _cmdlet = cmdlet;
        _readLine = readLine;
        _read = read;
        _singleton = singleton;
        _accepted = accepted;
        _queuedKeys = queuedKeys;
        _options = options;
        _dispatchTable = dispatchTable;
        SetUp();
    }

    /// <summary>
    /// PSReadLine's editor when this is pwsh's console, PSReadLine is imported (not loaded just
    /// for this), it is not in Vi mode, and it has what the chat needs; otherwise null.
    /// </summary>
    public static PSReadLineInput? TryCreate(PSCmdlet cmdlet)
    {
        if (cmdlet.Host.Name != "ConsoleHost" || Console.IsOutputRedirected) return null;
        try
        {
            var command = cmdlet.InvokeCommand.GetCommands("Get-PSReadLineOption", CommandTypes.Cmdlet, nameIsPattern: false).OfType<CmdletInfo>().FirstOrDefault();
            var type = command?.ImplementingType.Assembly.GetType("Microsoft.PowerShell.PSConsoleReadLine", throwOnError: false);
            var read = type?.GetMethod("ReadLine", PublicStatic, null, [typeof(Runspace), typeof(EngineIntrinsics), typeof(CancellationToken), typeof(bool?)], null);
            var singleton = type?.GetField("_singleton", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null);
            var accepted = type?.GetField("_inputAccepted", Private);
            var queued = type?.GetField("_queuedKeys", Private);
            var table = singleton is null ? null : type!.GetField("_dispatchTable", Private)?.GetValue(singleton) as IDictionary;
            var options = type?.GetMethod("GetOptions", PublicStatic, Type.EmptyTypes)?.Invoke(null, null);
            var history = type?.GetField("_history", Private);
            var historyIndex = type?.GetField("_currentHistoryIndex", Private);
            if (type is null || read is null || singleton is null || accepted?.FieldType != typeof(bool) || queued is null || table is null || options is null) return null;
            if (history?.FieldType.GetMethod("Enqueue") is null || historyIndex?.FieldType != typeof(int) || type.GetMethod("GetHistoryItems", PublicStatic) is null) return null;
            if (options.GetType().GetProperty("EditMode")?.GetValue(options)?.ToString() == "Vi") return null;
            if (SavedOptions.Any(name => options.GetType().GetProperty(name) is not { CanRead: true, CanWrite: true })) return null;
            return new PSReadLineInput(cmdlet, type, read, singleton, accepted, queued, options, table, history, historyIndex);
        }
        catch (Exception e) when (e is TargetInvocationException or MemberAccessException or InvalidOperationException or ArgumentException)
        {
            return null; // a PSReadLine this code does not know: the host's reader is enough
        }
    }

    public override ChatLine? Read(string prompt)
    {
        // The prompt is shown but not transcribed: the transcript gets prompt and line together below.
        _cmdlet.Host.UI.Write(prompt);
        _ctrlC = false;
        _cancelledText = string.Empty;
        SetHistoryAside();
        string line;
        try
        {
            var engine = (EngineIntrinsics)_cmdlet.SessionState.PSVariable.GetValue("ExecutionContext");
            line = (string)_read.Invoke(null, [Runspace.DefaultRunspace, engine, CancellationToken.None, null])!;
        }
        catch (TargetInvocationException failed) when (failed.InnerException is NotSupportedException)
        {
            return null; // the console went away (its input or output is redirected now)
        }
        // Ctrl+D on an empty line (Emacs mode) is PSReadLine's "exit".
        if (line == "exit" && !_ctrlC) return null;
        // CancelLine leaves the cursor after its "^C"; what comes next starts on a line of its own.
        if (_ctrlC) _cmdlet.Host.UI.WriteLine();
        Transcribe(prompt + line);
        _chatLines.Add(line);
        // CancelLine empties the buffer; the line says what was typed, so the loop can tell a
        // dropped line from Ctrl+C at an empty prompt (which leaves).
        return _ctrlC ? new ChatLine(_cancelledText, Interrupted: true) : new ChatLine(line);
    }

    /// <summary>Records the prompt and the typed line in a running transcript (pwsh does not transcribe what PSReadLine reads).</summary>
    private static void Transcribe(string text)
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Microsoft.PowerShell.Core\\Out-Default").AddParameter("Transcript").Invoke(new object[] { text });
    }

    private void SetUp()
    {
        var options = _options.GetType();
        foreach (var name in SavedOptions) _savedOptions[name] = options.GetProperty(name)!.GetValue(_options);
        foreach (var chord in Chords) _savedKeys[chord] = Find(chord) is { } key ? _dispatchTable[key] : null;
        try
        {
            var plain = options.GetProperty("DefaultTokenColor")?.GetValue(_options);
            if (plain is not null) foreach (var name in ColorOptions) options.GetProperty(name)!.SetValue(_options, plain);
            options.GetProperty("AddToHistoryHandler")!.SetValue(_options, new Func<string, object>(_ => "MemoryOnly"));
            var prediction = options.GetProperty("PredictionSource")!;
            prediction.SetValue(_options, Enum.Parse(prediction.PropertyType, "None"));
            // PSReadLine repaints the prompt in its error colour when the line does not parse as
            // PowerShell, which chat text often does not: the same prompt, in the same colour.
            options.GetProperty("PromptText")!.SetValue(_options, new[] { ChatPrompt, ChatPrompt });
            if (plain is not null) options.GetProperty("ErrorColor")!.SetValue(_options, plain);
            SetHistoryAside();

            Bind("Enter", OnEnter, "Accept the chat line");
            Bind("Ctrl+c", OnCtrlC, "Cancel the chat line");
            Bind("Tab", (_, _) => Call("Insert", "    "), "Insert spaces");
            Bind("Ctrl+Enter", (key, arg) => Call("AddLine", key, arg), "New line in the chat input");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void OnEnter(ConsoleKeyInfo? key, object? arg)
    {
        // More keys already waiting: a paste, whose line breaks belong to the text.
        if (((ICollection)_queuedKeys.GetValue(_singleton)!).Count > 0)
        {
            Call("Insert", "\n");
            return;
        }
        var text = BufferText();
        Parser.ParseInput(text, out _, out var errors);
        if (!errors.Any(e => e.IncompleteInput))
        {
            Call("AcceptLine", key, arg);
            return;
        }
        // Text PowerShell finds incomplete: accept it as PSReadLine does a complete line.
        Call("SetCursorPosition", text.Length);
        Console.Out.Write("\n");
        _accepted.SetValue(_singleton, true);
    }

    private void OnCtrlC(ConsoleKeyInfo? key, object? arg)
    {
        _ctrlC = true;
        _cancelledText = BufferText();
        Call("CancelLine", key, arg);
    }

    private string BufferText()
    {
        var state = new object?[] { null, null };
        _readLine.GetMethod("GetBufferState", PublicStatic, [typeof(string).MakeByRefType(), typeof(int).MakeByRefType()])!.Invoke(null, state);
        return (string?)state[0] ?? string.Empty;
    }

    private void Bind(string chord, Action<ConsoleKeyInfo?, object?> handler, string description) =>
        _readLine.GetMethod("SetKeyHandler", PublicStatic, [typeof(string[]), typeof(Action<ConsoleKeyInfo?, object>), typeof(string), typeof(string)])!
            .Invoke(null, [new[] { chord }, new Action<ConsoleKeyInfo?, object>((k, a) => handler(k, a)), description, description]);

    private void Call(string name, params object?[] arguments)
    {
        var method = _readLine.GetMethods(PublicStatic).First(m => m.Name == name && m.GetParameters().Length == arguments.Length
            && m.GetParameters().Zip(arguments).All(p => p.Second is null ? !p.First.ParameterType.IsValueType || Nullable.GetUnderlyingType(p.First.ParameterType) is not null : p.First.ParameterType.IsInstanceOfType(p.Second)));
        method.Invoke(null, arguments);
    }

    private object? Find(string chord) => _dispatchTable.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), chord, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Sets the shell's history aside, so that Up and Ctrl+R see only the chat's lines. PSReadLine
    /// reads its history file on its first line of the process (a script run with -File has read
    /// none yet), so this happens as soon as that history exists; lines the chat already added stay.
    /// </summary>
    private void SetHistoryAside()
    {
        if (_savedHistory is not null || _history.GetValue(_singleton) is not { } queue) return;
        try
        {
            var items = ((Array)_readLine.GetMethod("GetHistoryItems", PublicStatic)!.Invoke(null, null)!).Cast<object>().ToList();
            var chat = 0;
            while (chat < items.Count && _chatLines.Contains(CommandLine(items[^(chat + 1)]))) chat++;
            _savedHistory = items.Take(items.Count - chat).ToList();
            Refill(queue, items.Skip(items.Count - chat));
        }
        catch (TargetInvocationException)
        {
            _savedHistory = null; // the shell's history stays where Up finds it
        }
    }

    /// <summary>The shell's history items back in place of the chat's lines, as they were (saved, timed, sensitive).</summary>
    private void RestoreHistory()
    {
        if (_savedHistory is null || _history.GetValue(_singleton) is not { } queue) return;
        try
        {
            Refill(queue, _savedHistory);
        }
        catch (TargetInvocationException)
        {
            // The chat's lines stay in memory; the shell's history is still in its file.
        }
        _savedHistory = null;
    }

    private void Refill(object queue, IEnumerable<object> items)
    {
        Call("ClearHistory", null, null);
        var enqueue = queue.GetType().GetMethod("Enqueue")!;
        var count = 0;
        foreach (var item in items)
        {
            enqueue.Invoke(queue, [item]);
            count++;
        }
        _historyIndex.SetValue(_singleton, count);
    }

    private static string CommandLine(object item) => item.GetType().GetProperty("CommandLine")?.GetValue(item) as string ?? string.Empty;

    /// <summary>Puts PSReadLine's options, keys and history back as they were, whatever happened.</summary>
    public override void Dispose()
    {
        foreach (var (name, value) in _savedOptions)
        {
            try { _options.GetType().GetProperty(name)!.SetValue(_options, value); }
            catch (TargetInvocationException) { }
        }
        foreach (var (chord, handler) in _savedKeys)
        {
            var key = Find(chord);
            if (handler is not null && key is not null) _dispatchTable[key] = handler;
            else if (handler is null && key is not null) _dispatchTable.Remove(key);
        }
        _savedOptions.Clear();
        _savedKeys.Clear();
        RestoreHistory();
        base.Dispose();
    }
}
