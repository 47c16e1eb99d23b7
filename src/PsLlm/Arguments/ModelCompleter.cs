using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsLlm.Engine;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Arguments;

/// <summary>
/// Tab completion for -Model: the models of the client on the command line (else the default
/// client), asked of its server at most once per session and never for longer than a moment;
/// when the server cannot say, the models seen in the log; else nothing.
/// </summary>
internal sealed class ModelCompleter : IArgumentCompleter
{
    /// <summary>Tab must never hang on a slow or silent server.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var state = ModuleState.Current;
        var names = Client(fakeBoundParameters) is { } client && state.Models.ForCompletion(client, Patience) is { } models
            ? models.Select(m => m.Id)
            : LoggedModels(state);
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return names.Distinct(StringComparer.Ordinal)
            .Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n));
    }

    private static LlmClient? Client(IDictionary bound)
    {
        if (bound["Client"] is { } given && (given is PSObject wrapped ? wrapped.BaseObject : given) is LlmClient client) return client;
        try
        {
            // New-LlmClient -Endpoint … -Model <Tab>: the models of the server being named.
            if (bound["Endpoint"] is string endpoint)
            {
                var uri = ChatEngine.ParseEndpoint(endpoint);
                return new LlmClient(uri, ClientResolver.EnvironmentKeyFor(uri), ClientResolver.DefaultModel());
            }
            return ClientResolver.Resolve(null);
        }
        catch (LlmException)
        {
            return null; // no usable default client: the log still knows some names
        }
    }

    private static IEnumerable<string> LoggedModels(ModuleState state)
    {
        try
        {
            return state.Log.ModelNames(null);
        }
        catch (LlmException)
        {
            return Array.Empty<string>();
        }
    }

    // Model ids such as "meta-llama/Llama-3.1-8B-Instruct:free" or "models/gemini-2.0-flash" need no
    // quotes; one with a space or a PowerShell special character does.
    private static string Quote(string name) =>
        name.IndexOfAny([' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '|', '@', '#']) >= 0 ? $"'{name.Replace("'", "''")}'" : name;
}
