using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsLlm.Engine;

namespace PsLlm.Tools;

/// <summary>
/// Reads what a command (cmdlet, function, script, or a scriptblock made into a function) says
/// about its parameters — types, Mandatory, ValidateSet, ValidateRange, parameter sets, help — and
/// turns it into PowerShell-free <see cref="ToolParameterSpec"/>s for the schema, plus the
/// parameter sets <see cref="CommandTool"/> checks the model's arguments against. Common
/// parameters and [Parameter(DontShow)] parameters are never offered to the model.
/// </summary>
internal static class ToolParameterReader
{
    /// <summary>What a tool needs to know about its command.</summary>
    /// <param name="Parameters">The parameters offered to the model, in the command's order.</param>
    /// <param name="Sets">The parameter sets the tool can run in (only those whose mandatory parameters it offers).</param>
    /// <param name="Switches">Names of the switch parameters (case-insensitive).</param>
    /// <param name="Synopsis">The command's help synopsis (or description), when it has real help.</param>
    /// <param name="TakesCommonParameters">A cmdlet or advanced function: -ErrorAction and friends bind.</param>
    /// <param name="TakesConfirm">It supports ShouldProcess, so -Confirm binds.</param>
    internal sealed record Reading(
        IReadOnlyList<ToolParameterSpec> Parameters,
        IReadOnlyList<ParameterSetShape> Sets,
        IReadOnlyCollection<string> Switches,
        string? Synopsis,
        bool TakesCommonParameters,
        bool TakesConfirm);

    /// <summary>One parameter set: every parameter in it (common ones included) and those it requires.</summary>
    internal sealed record ParameterSetShape(string Name, bool IsDefault, IReadOnlyCollection<string> Members, IReadOnlyList<string> Mandatory);

    /// <summary>
    /// Reads <paramref name="command"/>. Without <paramref name="parameterSetName"/> every
    /// parameter of every set is offered and "required" means required in every set, so the model
    /// can use any set (the parameters it passes choose it, as on the command line); with it, only
    /// that set. <paramref name="include"/> (names or wildcards) narrows the parameters offered.
    /// </summary>
    public static Reading Read(CommandInfo command, string? parameterSetName, IReadOnlyList<string>? include)
    {
        var allSets = command.ParameterSets.ToList();
        var candidates = allSets;
        if (!string.IsNullOrEmpty(parameterSetName))
        {
            var chosen = allSets.FirstOrDefault(s => string.Equals(s.Name, parameterSetName, StringComparison.OrdinalIgnoreCase))
                ?? throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolParameterSetNotFound",
                    $"'{command.Name}' has no parameter set '{parameterSetName}'. Its parameter sets: {string.Join(", ", allSets.Select(s => s.Name))}.")
                { ParameterName = "ParameterSetName" };
            candidates = new List<CommandParameterSetInfo> { chosen };
        }

        // First sighting wins: the parameter's attributes are the same in every set but for Mandatory.
        var offered = new List<CommandParameterInfo>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in candidates)
            foreach (var parameter in set.Parameters)
                if (IsOffered(parameter) && seen.Add(parameter.Name))
                    offered.Add(parameter);

        if (include is { Count: > 0 }) offered = Select(command, offered, include);
        var offeredNames = new HashSet<string>(offered.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);

        var shapes = candidates.Select(Shape).ToList();
        var usable = shapes.Where(s => s.Mandatory.All(offeredNames.Contains)).ToList();
        if (usable.Count == 0 && shapes.Count > 0)
        {
            if (include is { Count: > 0 })
            {
                var preferred = shapes.FirstOrDefault(s => s.IsDefault) ?? shapes[0];
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolMandatoryParameterExcluded",
                    $"'{command.Name}' cannot run without {string.Join(", ", preferred.Mandatory.Where(m => !offeredNames.Contains(m)))}: add {(preferred.Mandatory.Count(m => !offeredNames.Contains(m)) == 1 ? "it" : "them")} to -Parameter.")
                { ParameterName = "Parameter" };
            }
            usable = shapes;   // e.g. a set requiring a hidden parameter: let PowerShell say so at run time
        }

        var help = ReadHelp(command);
        var specs = offered.Select(p => Spec(p, RequiredInAll(p.Name, usable), help.Parameters)).ToList();
        var switches = offered.Where(p => p.ParameterType == typeof(SwitchParameter)).Select(p => p.Name).ToList();
        var members = allSets.SelectMany(s => s.Parameters).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new Reading(specs, usable, switches, help.Synopsis, members.Contains("ErrorAction"), members.Contains("Confirm"));
    }

    /// <summary>
    /// A scriptblock as a function, so it has the parameter metadata PowerShell itself computes
    /// (types, sets, attributes, CmdletBinding). The function is defined in a scope that ends at
    /// once: nothing is left in the session.
    /// </summary>
    public static CommandInfo CommandFor(ScriptBlock scriptBlock)
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript("param($ScriptBlock) ${function:__PsLlmTool} = $ScriptBlock; $ExecutionContext.InvokeCommand.GetCommand('__PsLlmTool', 'Function')", useLocalScope: true)
            .AddParameter("ScriptBlock", scriptBlock);
        var result = shell.Invoke();
        return result.Count > 0 && result[0]?.BaseObject is CommandInfo command
            ? command
            : throw new InvalidOperationException("The scriptblock's parameters could not be read: " + string.Join("; ", shell.Streams.Error));
    }

    private static bool IsOffered(CommandParameterInfo parameter) =>
        !Cmdlet.CommonParameters.Contains(parameter.Name)
        && !Cmdlet.OptionalCommonParameters.Contains(parameter.Name)
        && !parameter.Attributes.OfType<ParameterAttribute>().Any(a => a.DontShow);

    private static List<CommandParameterInfo> Select(CommandInfo command, List<CommandParameterInfo> offered, IReadOnlyList<string> include)
    {
        var patterns = include.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        for (var i = 0; i < patterns.Count; i++)
            if (!offered.Any(p => patterns[i].IsMatch(p.Name)))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmToolParameterNotFound",
                    $"'{command.Name}' has no parameter '{include[i]}' that a tool can offer. Its parameters: {string.Join(", ", offered.Select(p => p.Name))}.")
                { ParameterName = "Parameter" };
        return offered.Where(p => patterns.Any(w => w.IsMatch(p.Name))).ToList();
    }

    private static ParameterSetShape Shape(CommandParameterSetInfo set) => new(
        set.Name,
        set.IsDefault,
        set.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase),
        set.Parameters.Where(p => p.IsMandatory && !Cmdlet.CommonParameters.Contains(p.Name)).Select(p => p.Name).ToList());

    private static bool RequiredInAll(string name, IReadOnlyList<ParameterSetShape> sets) =>
        sets.Count > 0 && sets.All(s => s.Mandatory.Contains(name, StringComparer.OrdinalIgnoreCase));

    private static ToolParameterSpec Spec(CommandParameterInfo parameter, bool required, IReadOnlyDictionary<string, string> help)
    {
        var (kind, itemKind, enumNames) = Map(parameter.ParameterType);
        var validateSet = parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault();
        var (minimum, maximum) = Range(parameter.Attributes.OfType<ValidateRangeAttribute>().FirstOrDefault(),
            kind == ToolValueKind.Array ? itemKind : kind);
        var description = help.TryGetValue(parameter.Name, out var text) ? text : null;
        if (string.IsNullOrWhiteSpace(description)) description = parameter.HelpMessage;
        return new ToolParameterSpec(parameter.Name, kind)
        {
            ItemKind = itemKind,
            Required = required,
            AllowedValues = validateSet is not null ? validateSet.ValidValues.ToList() : enumNames,
            Minimum = minimum,
            Maximum = maximum,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
        };
    }

    /// <summary>The JSON kind of a .NET parameter type; arrays and collections by their item type.</summary>
    private static (ToolValueKind Kind, ToolValueKind ItemKind, IReadOnlyList<string> EnumNames) Map(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(type) is { } element)
        {
            var (itemKind, names) = Scalar(Nullable.GetUnderlyingType(element) ?? element);
            return (ToolValueKind.Array, itemKind, names);
        }
        var (kind, enumNames) = Scalar(type);
        return (kind, ToolValueKind.String, enumNames);
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || typeof(IDictionary).IsAssignableFrom(type) || type == typeof(PSObject)) return null;
        if (type.IsArray) return type.GetElementType();
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (enumerable is not null) return enumerable.GetGenericArguments()[0];
        return typeof(IEnumerable).IsAssignableFrom(type) ? typeof(object) : null;
    }

    private static (ToolValueKind Kind, IReadOnlyList<string> EnumNames) Scalar(Type type)
    {
        if (type.IsEnum) return (ToolValueKind.String, Enum.GetNames(type));
        if (type == typeof(bool) || type == typeof(SwitchParameter)) return (ToolValueKind.Boolean, Array.Empty<string>());
        if (type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
            || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
            || type == typeof(System.Numerics.BigInteger))
            return (ToolValueKind.Integer, Array.Empty<string>());
        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal)) return (ToolValueKind.Number, Array.Empty<string>());
        if (typeof(IDictionary).IsAssignableFrom(type) || type == typeof(PSObject)) return (ToolValueKind.Object, Array.Empty<string>());
        // Strings, dates, GUIDs, paths, URIs and anything else PowerShell converts from text.
        return (ToolValueKind.String, Array.Empty<string>());
    }

    /// <summary>ValidateRange as bounds, including PowerShell 7's ValidateRange('Positive') and kin.</summary>
    private static (double? Minimum, double? Maximum) Range(ValidateRangeAttribute? range, ToolValueKind kind)
    {
        if (range is null || kind is not (ToolValueKind.Integer or ToolValueKind.Number)) return (null, null);
        // ValidateRange('Positive') keeps its kind in a private field (PowerShell 7.0 to 7.6 expose
        // no property for it); a future public RangeKind property is read first.
        var type = range.GetType();
        var rangeKind = (type.GetProperty("RangeKind")?.GetValue(range)
            ?? type.GetField("_rangeKind", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)?.GetValue(range))?.ToString();
        var integer = kind == ToolValueKind.Integer;
        switch (rangeKind)
        {
            // JSON schema's minimum is inclusive; a fraction just above 0 is left to PowerShell to refuse.
            case "Positive": return (integer ? 1 : 0, null);
            case "NonNegative": return (0, null);
            case "Negative": return (null, integer ? -1 : 0);
            case "NonPositive": return (null, 0);
        }
        return (ToDouble(range.MinRange), ToDouble(range.MaxRange));
    }

    private static double? ToDouble(object? value)
    {
        try
        {
            return value is null or string ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            return null;   // a range over dates or versions: nothing JSON schema can say
        }
    }

    /// <summary>Descriptions keyed by parameter name (case-insensitive), and the synopsis.</summary>
    private sealed record CommandHelp(string? Synopsis, IReadOnlyDictionary<string, string> Parameters);

    /// <summary>
    /// Comment-based help from the script's syntax tree for functions, scripts and scriptblocks
    /// (no lookup by name, so functions in any scope are read); Get-Help for cmdlets.
    /// </summary>
    private static CommandHelp ReadHelp(CommandInfo command)
    {
        var scriptBlock = command switch
        {
            FunctionInfo f => f.ScriptBlock,
            ExternalScriptInfo s => s.ScriptBlock,
            _ => null,
        };
        if (scriptBlock is not null)
        {
            var comment = scriptBlock.Ast switch
            {
                FunctionDefinitionAst f => f.GetHelpContent(),
                ScriptBlockAst s => s.GetHelpContent(),
                _ => null,
            };
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (comment is null) return new CommandHelp(null, parameters);
            foreach (var pair in comment.Parameters) parameters[pair.Key] = pair.Value.Trim();
            return new CommandHelp(FirstText(comment.Synopsis, comment.Description), parameters);
        }
        return command is CmdletInfo cmdlet ? ReadCmdletHelp(cmdlet) : new CommandHelp(null, new Dictionary<string, string>());
    }

    private static CommandHelp ReadCmdletHelp(CmdletInfo cmdlet)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Microsoft.PowerShell.Core\\Get-Help")
            .AddParameter("Name", string.IsNullOrEmpty(cmdlet.ModuleName) ? cmdlet.Name : $"{cmdlet.ModuleName}\\{cmdlet.Name}")
            .AddParameter("Category", "Cmdlet")
            .AddParameter("Full")
            .AddParameter("ErrorAction", "Ignore");
        var help = shell.Invoke().FirstOrDefault();
        if (help is null) return new CommandHelp(null, parameters);

        foreach (var parameter in Items(Property(help, "parameters") is PSObject p ? Property(p, "parameter") : null))
            if (Property(parameter, "name")?.ToString() is { Length: > 0 } name && Text(Property(parameter, "description")) is { } text)
                parameters[name] = text;

        // Without help files Get-Help makes up a synopsis from the syntax: that describes nothing.
        var synopsis = Text(Property(help, "Synopsis"));
        if (synopsis is not null && synopsis.StartsWith(cmdlet.Name, StringComparison.OrdinalIgnoreCase)
            && (synopsis.Length == cmdlet.Name.Length || synopsis[cmdlet.Name.Length] is ' ' or '[' or '\r' or '\n'))
            synopsis = null;
        return new CommandHelp(FirstText(synopsis, Text(Property(help, "description"))), parameters);
    }

    private static object? Property(PSObject item, string name) => item.Properties[name]?.Value;

    private static IEnumerable<PSObject> Items(object? value) => value switch
    {
        null => Array.Empty<PSObject>(),
        PSObject { BaseObject: object[] array } => array.Select(PSObject.AsPSObject),
        PSObject single => new[] { single },
        IEnumerable many and not string => many.Cast<object>().Where(o => o is not null).Select(PSObject.AsPSObject),
        _ => new[] { PSObject.AsPSObject(value) },
    };

    /// <summary>Help text: a string, or MAML paragraphs ({Text = …}) joined by new lines.</summary>
    private static string? Text(object? value)
    {
        var text = (value is PSObject p ? p.BaseObject : value) switch
        {
            null => null,
            string s => s,
            _ => string.Join("\n", Items(value).Select(i => Property(i, "Text")?.ToString() ?? i.BaseObject as string).Where(t => !string.IsNullOrWhiteSpace(t))),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static string? FirstText(params string?[] texts) =>
        texts.Select(t => t?.Trim()).FirstOrDefault(t => !string.IsNullOrEmpty(t));
}
