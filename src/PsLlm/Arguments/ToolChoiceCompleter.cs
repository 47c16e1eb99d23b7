using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsLlm.Arguments;

/// <summary>Tab completion for -ToolChoice: the keywords, then the names of the tools on the command line.</summary>
internal sealed class ToolChoiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new List<string> { "auto", "none", "required" };
        if (fakeBoundParameters["Tool"] is { } tools)
            foreach (var tool in LanguagePrimitives.GetEnumerable(tools) ?? new[] { tools })
                if ((tool is PSObject p ? p.BaseObject : tool) is LlmTool t) names.Add(t.Name);
        return names.Where(n => n.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
