using System.Collections;
using System.Management.Automation;
using System.Text;
using PsLlm.Engine;

namespace PsLlm.Tools;

/// <summary>
/// A tool that runs a PowerShell command or scriptblock (New-LlmTool). It runs on the calling
/// thread, in the current runspace, as a nested pipeline: call <see cref="Invoke"/> on the
/// pipeline thread of the cmdlet that runs the chat. What the command writes comes back as text:
/// strings as lines, objects as compact JSON, errors it wrote after "Errors:", all capped at
/// <see cref="ToolRules.MaxOutputCharacters"/>. A terminating error is thrown.
/// </summary>
internal sealed class CommandTool : LlmTool
{
    public const string NoOutput = "(no output)";

    // Splatting keeps the scriptblock's own session state (a module's private functions stay in
    // reach). try/catch turns a statement-terminating error (parameter binding,
    // ThrowTerminatingError) into a thrown one instead of an error record the script goes past.
    // Approval is the agent loop's job (RequireApproval), so the command must not ask again.
    private const string Runner = """
        param($__PsLlmCommand, $__PsLlmArguments)
        $ErrorActionPreference = 'Continue'
        $ConfirmPreference = 'None'
        try { & $__PsLlmCommand @__PsLlmArguments } catch { throw }
        """;

    private readonly object _target;
    private readonly ToolParameterReader.Reading _reading;
    private readonly Dictionary<string, ToolParameterSpec> _parameters;
    private readonly HashSet<string> _switches;
    private readonly ToolPathGuard? _pathGuard;

    /// <summary>The folder path arguments are confined to (New-LlmTool -RootPath); null when they are not.</summary>
    public string? RootPath => _pathGuard?.Root;

    /// <summary>A tool running <paramref name="target"/>: the <see cref="CommandInfo"/>, or the <see cref="ScriptBlock"/> itself.</summary>
    public CommandTool(string name, string description, object target, ToolParameterReader.Reading reading, bool strict, bool requireApproval, ToolPathGuard? pathGuard = null)
        : base(name, description, ToolRules.Schema(reading.Parameters, strict), strict, requireApproval)
    {
        _pathGuard = pathGuard;
        _target = target is CommandInfo or ScriptBlock ? target : throw new ArgumentException("A command tool runs a CommandInfo or a ScriptBlock.", nameof(target));
        _reading = reading;
        _parameters = reading.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        _switches = new HashSet<string>(reading.Switches, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A command that supports ShouldProcess with ConfirmImpact Medium or High changes things
    /// enough that the agent loop should ask first, as PowerShell would under the default
    /// $ConfirmPreference for High (and -Confirm for Medium).
    /// </summary>
    public static bool NeedsApproval(CommandInfo command)
    {
        CommandMetadata metadata;
        try
        {
            metadata = new CommandMetadata(command);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or RuntimeException)
        {
            // Metadata PowerShell cannot give: a command with -WhatIf changes things, so ask.
            return command.Parameters?.ContainsKey("WhatIf") == true;
        }
        return metadata.SupportsShouldProcess && metadata.ConfirmImpact >= ConfirmImpact.Medium;
    }

    /// <summary>Before anything runs or is asked about: a parameter set takes the arguments, and path arguments stay in the tool's folder.</summary>
    public override void CheckArguments(IReadOnlyDictionary<string, object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        EnsureParameterSet(arguments.Where(a => a.Value is not null).Select(a => _parameters.TryGetValue(a.Key, out var spec) ? spec.Name : a.Key).ToList());
        _pathGuard?.Check(arguments);
    }

    /// <summary>
    /// Runs the command. It checks the arguments itself too (the agent loop already did, before
    /// asking for approval): Invoke is public, and no caller may make the command prompt for a
    /// missing parameter or reach outside its folder.
    /// </summary>
    public override string Invoke(IReadOnlyDictionary<string, object?> arguments)
    {
        CheckArguments(arguments);
        var splat = ToParameters(arguments);
        if (_reading.TakesCommonParameters) splat["ErrorAction"] = ActionPreference.Continue;
        if (_reading.TakesConfirm) splat["Confirm"] = new SwitchParameter(false);

        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript(Runner, useLocalScope: true)
            .AddParameter("__PsLlmCommand", _target)
            .AddParameter("__PsLlmArguments", splat);
        var output = shell.Invoke();

        var text = new StringBuilder(Render(output.Where(o => o?.BaseObject is not null).ToList()));
        var errors = shell.Streams.Error.Select(e => e.ToString()).Where(e => !string.IsNullOrWhiteSpace(e)).ToList();
        if (errors.Count > 0) text.Append("\nErrors: ").Append(string.Join("\n", errors));
        return ToolRules.LimitOutput(text.ToString());
    }

    /// <summary>The model's arguments as PowerShell parameters: nulls dropped (not given), names as the command spells them.</summary>
    private Hashtable ToParameters(IReadOnlyDictionary<string, object?> arguments)
    {
        var splat = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (givenName, given) in arguments)
        {
            var value = given is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : given;
            if (value is null) continue;
            _parameters.TryGetValue(givenName, out var spec);
            var name = spec?.Name ?? givenName;
            splat[name] = _switches.Contains(name) && value is bool on
                ? new SwitchParameter(on)
                : ToPowerShell(value, spec, name);
        }
        return splat;
    }

    private static object? ToPowerShell(object? value, ToolParameterSpec? spec, string name)
    {
        value = value is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : value;
        var objectValued = spec is not null && (spec.Kind == ToolValueKind.Object
            || (spec.Kind == ToolValueKind.Array && spec.ItemKind == ToolValueKind.Object));
        switch (value)
        {
            // Strict mode sends hashtables as JSON text (strict schemas cannot hold free-form objects).
            case string json when objectValued:
                return ParseObject(json, name);
            case IDictionary dictionary:
                var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in dictionary) table[entry.Key] = ToPowerShell(entry.Value, null, name);
                return table;
            case object?[] items:
                return items.Select(i => ToPowerShell(i, spec, name)).ToArray();
            default:
                return value;
        }
    }

    private static Hashtable ParseObject(string json, string name)
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Microsoft.PowerShell.Utility\\ConvertFrom-Json")
            .AddParameter("InputObject", json)
            .AddParameter("AsHashtable")
            .AddParameter("NoEnumerate");
        try
        {
            var result = shell.Invoke();
            if (!shell.HadErrors && result.Count == 1 && result[0]?.BaseObject is Hashtable table) return table;
        }
        catch (RuntimeException)
        {
        }
        throw new ToolArgumentException($"'{name}' must be a JSON object, such as {{\"key\": \"value\"}}.");
    }

    /// <summary>
    /// Refuses arguments no parameter set can take before running anything: with a required
    /// parameter missing PowerShell would prompt for it, and nobody is there to answer.
    /// </summary>
    private void EnsureParameterSet(IReadOnlyCollection<string> given)
    {
        var sets = _reading.Sets;
        if (sets.Count == 0) return;
        // Parameters no set lists (dynamic ones) do not decide the set.
        var known = given.Where(n => sets.Any(s => s.Members.Contains(n))).ToList();
        var fitting = sets.Where(s => known.All(s.Members.Contains)).ToList();
        if (fitting.Count == 0)
            throw new ToolArgumentException($"These parameters cannot be used together: {string.Join(", ", known)}.");

        List<string> Missing(ToolParameterReader.ParameterSetShape s) =>
            s.Mandatory.Where(m => !given.Contains(m, StringComparer.OrdinalIgnoreCase)).ToList();
        if (fitting.Any(s => Missing(s).Count == 0)) return;
        if (fitting.Count == 1)
        {
            var missing = Missing(fitting[0]);
            throw new ToolArgumentException($"Missing required parameter{(missing.Count == 1 ? string.Empty : "s")}: {string.Join(", ", missing)}.");
        }
        var options = fitting.Select(s => string.Join(" and ", Missing(s))).Distinct(StringComparer.OrdinalIgnoreCase);
        throw new ToolArgumentException($"Missing required parameters: give {string.Join(", or ", options)}.");
    }

    private static string Render(IReadOnlyList<PSObject> output)
    {
        if (output.Count == 0) return NoOutput;
        if (output.All(o => o.BaseObject is string)) return string.Join("\n", output.Select(o => (string)o.BaseObject));

        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Microsoft.PowerShell.Utility\\ConvertTo-Json")
            .AddParameter("InputObject", output.Count == 1 ? output[0] : output.ToArray())
            .AddParameter("Depth", 3)
            .AddParameter("Compress")
            .AddParameter("EnumsAsStrings")
            .AddParameter("WarningAction", ActionPreference.SilentlyContinue);
        try
        {
            if (shell.Invoke().FirstOrDefault()?.BaseObject is string json && !shell.HadErrors) return json;
        }
        catch (RuntimeException)
        {
        }
        // Objects ConvertTo-Json cannot serialize (a property getter throws, …): their text form.
        return string.Join("\n", output.Select(o => o.ToString()));
    }
}
