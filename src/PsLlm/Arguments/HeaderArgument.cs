using System.Collections;
using System.Management.Automation;
using System.Security;

namespace PsLlm.Arguments;

/// <summary>
/// Converts a -Header hashtable into request headers: names must be valid HTTP header names,
/// values (text or SecureString) must not contain line breaks. Values are secrets to the caller:
/// they are sent, never shown.
/// </summary>
internal static class HeaderArgument
{
    public static Dictionary<string, string> ToHeaders(Hashtable? table)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (table is null) return headers;
        foreach (DictionaryEntry entry in table)
        {
            var name = entry.Key?.ToString();
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c == ':' || c > '~'))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidHeader", $"'{name}' is not a valid HTTP header name.") { ParameterName = "Header" };
            var value = entry.Value is PSObject p ? p.BaseObject : entry.Value;
            if (value is null)
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidHeader", $"The value of header '{name}' is null; give text or a SecureString.") { ParameterName = "Header" };
            var text = value is SecureString secure
                ? new System.Net.NetworkCredential(string.Empty, secure).Password
                : value?.ToString() ?? string.Empty;
            if (text.Any(c => c is '\r' or '\n' or '\0'))
                throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidHeader", $"The value of header '{name}' contains a line break.") { ParameterName = "Header" };
            headers[name] = text;
        }
        return headers;
    }
}
