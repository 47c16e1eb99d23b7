using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsLlm.Engine;

namespace PsLlm.Arguments;

/// <summary>Tab completion for -EventName.</summary>
internal sealed class EventNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ChatEngine.EventNames.Append("*")
            .Where(n => n.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
