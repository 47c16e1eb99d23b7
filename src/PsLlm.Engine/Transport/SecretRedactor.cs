using System.Text.RegularExpressions;

namespace PsLlm.Engine.Transport;

/// <summary>
/// Removes credentials from text that may reach the user: error messages from servers (OpenAI
/// echoes part of a wrong key in its 401 message) and exception messages.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "[redacted]";
    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        // Longest first, so a secret that contains another is masked whole.
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s) && s!.Length >= 4).Select(s => s!)
            .Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        foreach (var secret in _secrets) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = EchoedKey().Replace(text, "$1" + Mask);
        return KeyShape().Replace(text, Mask);
    }

    // "Incorrect API key provided: sk-abc***xyz." — the masked echo still shows part of the key.
    [GeneratedRegex(@"(?i)(api[ _-]?key provided:\s*)[^\s.,;]+")]
    private static partial Regex EchoedKey();

    [GeneratedRegex(@"\b(sk|sess|pk)-[A-Za-z0-9_\-\*]{8,}")]
    private static partial Regex KeyShape();
}
