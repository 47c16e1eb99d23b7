using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace PsLlm.Engine.Wire;

/// <summary>
/// A readable line for an error message about a body that is not what was expected: the title of
/// an HTML page (a proxy's error page), else the first non-empty line, shortened.
/// </summary>
internal static partial class BodyPreview
{
    /// <summary>How much of an unexpected body is kept on the exception.</summary>
    public const int MaxKept = 64 * 1024;
    private const int MaxLine = 200;

    public static string Describe(ReadOnlySpan<byte> body) => Describe(Encoding.UTF8.GetString(body.Length > MaxKept ? body[..MaxKept] : body));

    public static string Describe(string body)
    {
        body = body.TrimStart('\uFEFF');
        if (string.IsNullOrWhiteSpace(body)) return "(an empty body)";
        var title = TitleTag().Match(body);
        if (title.Success && WebUtility.HtmlDecode(title.Groups[1].Value).Trim() is { Length: > 0 } text)
            return "an HTML page, \"" + Clip(WhiteSpace().Replace(text, " ")) + "\"";
        var line = body.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0);
        return "\"" + Clip(line) + "\"";
    }

    private static string Clip(string text) => text.Length <= MaxLine ? text : text[..MaxLine] + "…";

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitleTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
