using System.Text;

namespace PsLlm.Rendering;

/// <summary>
/// Renders Markdown for a terminal with VT sequences while it streams in: headings, emphasis,
/// inline code, links, lists, quotes, rules, fenced code blocks and tables. Text is shown as soon
/// as it cannot change any more: a paragraph word by word (up to an inline span still open, such as
/// <c>**bo</c>), a code line or a table once they are complete, since a table's columns are only
/// known at its end. Feed the answer's pieces to <see cref="Write"/> and show what it returns; at
/// the end show what <see cref="Complete"/> returns. PowerShell's own renderer
/// (<c>ConvertFrom-Markdown -AsVT100EncodedString</c>) draws no tables and cannot work on a stream,
/// hence this one.
/// </summary>
internal sealed class MarkdownStream
{
    private const string Reset = "\e[0m";
    private const string HeadingStyle = "\e[1;36m";
    private const string CodeStyle = "\e[33m";
    private const string Dim = "\e[2m";
    private const string DimOff = "\e[22m";

    private readonly int _width;
    private readonly StringBuilder _line = new();
    private readonly List<string> _tableRows = new();
    private LineKind? _kind;
    private int _prefixLength;
    private int _shown;
    private string? _fence;
    private string _style = string.Empty;

    /// <param name="width">The terminal's width, for rules and tables.</param>
    public MarkdownStream(int width = 80) => _width = Math.Clamp(width, 20, 400);

    private enum LineKind { Text, Heading, Bullet, Numbered, Quote, Rule, Table, FenceEdge, Code }

    /// <summary>Takes the next piece of the answer; returns what can be shown now (possibly nothing).</summary>
    public string Write(string text)
    {
        var output = new StringBuilder();
        foreach (var c in text)
        {
            if (c == '\r') continue;
            if (c == '\n')
            {
                EndLine(output);
                continue;
            }
            _line.Append(c);
        }
        ShowPartialLine(output);
        return output.ToString();
    }

    /// <summary>The rest, at the end of the answer: the last line, a table still open.</summary>
    public string Complete()
    {
        var output = new StringBuilder();
        if (_line.Length > 0) EndLine(output, lastLine: true);
        FlushTable(output);
        return output.ToString();
    }

    /// <summary>All of <paramref name="markdown"/> rendered at once (Show-LlmMarkdown).</summary>
    public static string Render(string markdown, int width = 80)
    {
        var stream = new MarkdownStream(width);
        return stream.Write(markdown) + stream.Complete();
    }

    private void EndLine(StringBuilder output, bool lastLine = false)
    {
        var line = _line.ToString();
        var kind = _kind ?? Classify(line, complete: true);
        if (kind != LineKind.Table) FlushTable(output);
        switch (kind)
        {
            case LineKind.Table:
                _tableRows.Add(line);
                break;
            case LineKind.FenceEdge:
                _fence = _fence is null ? FenceOf(line) : null;
                var language = _fence is not null ? line.TrimStart().TrimStart('`', '~').Trim() : string.Empty;
                output.Append(Dim).Append(language.Length > 0 ? $"── {language} " : "──").Append(new string('─', Math.Max(2, Math.Min(_width, 60) - language.Length - 4))).Append(Reset).Append('\n');
                break;
            case LineKind.Code:
                output.Append(Dim).Append("│ ").Append(DimOff).Append(CodeStyle).Append(line).Append(Reset).Append('\n');
                break;
            case LineKind.Rule:
                output.Append(Dim).Append(new string('─', Math.Min(_width, 60))).Append(Reset).Append('\n');
                break;
            default:
                ShowPartialLine(output, complete: true);
                if (!lastLine || _line.Length > 0) output.Append(Reset).Append('\n');
                break;
        }
        _line.Clear();
        _kind = null;
        _shown = 0;
        _prefixLength = 0;
        _style = string.Empty;
    }

    /// <summary>Shows as much of a text-like line as can no longer change.</summary>
    private void ShowPartialLine(StringBuilder output, bool complete = false)
    {
        var line = _line.ToString();
        if (_kind is null)
        {
            if (line.Length == 0) return;
            var kind = Classify(line, complete);
            if (kind is null) return;
            _kind = kind;
            if (kind is LineKind.Table or LineKind.FenceEdge or LineKind.Code or LineKind.Rule) return;
            FlushTable(output);
            output.Append(Prefix(line, kind.Value, out _prefixLength));
            _shown = _prefixLength;
            // A level-one heading is underlined too; the style is given again to every piece shown.
            _style = kind == LineKind.Heading ? (HeadingLevel(line.TrimStart()) == 1 ? "\e[1;4;36m" : HeadingStyle) : string.Empty;
        }
        if (_kind is LineKind.Table or LineKind.FenceEdge or LineKind.Code or LineKind.Rule) return;
        var safe = complete ? line.Length : SafeEnd(line, _shown);
        if (safe <= _shown) return;
        output.Append(_style).Append(Inline(line[_shown..safe])).Append(_style.Length > 0 ? Reset : string.Empty);
        _shown = safe;
    }

    /// <summary>What a line is; null while too little of it has arrived to tell.</summary>
    private LineKind? Classify(string line, bool complete)
    {
        if (_fence is not null) return IsFenceEnd(line) ? LineKind.FenceEdge : complete ? LineKind.Code : null;
        var trimmed = line.TrimStart();
        if (!complete && trimmed.Length < 3 && trimmed.Length == line.Length && trimmed.All(c => c is '#' or '-' or '*' or '_' or '`' or '~' or '>' or '+' or '|' or (>= '0' and <= '9') or '.' or ')' or ' ')) return null;
        if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)) return complete ? LineKind.FenceEdge : null;
        if (trimmed.StartsWith('|')) return LineKind.Table;
        if (IsRule(trimmed)) return complete ? LineKind.Rule : null;
        if (trimmed.Length > 0 && trimmed.TrimStart('-', '*', '_', ' ').Length == 0) return complete ? LineKind.Text : null;
        if (HeadingLevel(trimmed) > 0) return LineKind.Heading;
        if (trimmed.StartsWith("> ", StringComparison.Ordinal) || trimmed == ">") return LineKind.Quote;
        if (trimmed.Length >= 2 && trimmed[0] is '-' or '*' or '+' && trimmed[1] == ' ') return LineKind.Bullet;
        var digits = trimmed.TakeWhile(char.IsAsciiDigit).Count();
        if (digits is > 0 and < 10 && trimmed.Length > digits + 1 && trimmed[digits] is '.' or ')' && trimmed[digits + 1] == ' ') return LineKind.Numbered;
        if (!complete && digits == trimmed.Length) return null;
        return LineKind.Text;
    }

    private static string Prefix(string line, LineKind kind, out int length)
    {
        var indent = line.Length - line.TrimStart().Length;
        var trimmed = line[indent..];
        var pad = new string(' ', indent);
        switch (kind)
        {
            case LineKind.Heading:
                var level = HeadingLevel(trimmed);
                length = indent + level + 1;
                return pad;
            case LineKind.Bullet:
                length = indent + 2;
                return pad + (indent >= 2 ? "◦ " : "• ");
            case LineKind.Numbered:
                var digits = trimmed.TakeWhile(char.IsAsciiDigit).Count();
                length = indent + digits + 2;
                return pad + trimmed[..(digits + 1)] + " ";
            case LineKind.Quote:
                length = indent + Math.Min(2, trimmed.Length);
                return pad + Dim + "│ " + DimOff + "\e[3m";
            default:
                length = 0;
                return string.Empty;
        }
    }

    private static int HeadingLevel(string trimmed)
    {
        var level = trimmed.TakeWhile(c => c == '#').Count();
        return level is >= 1 and <= 6 && trimmed.Length > level && trimmed[level] == ' ' ? level : 0;
    }

    private static bool IsRule(string trimmed)
    {
        var compact = trimmed.Replace(" ", string.Empty, StringComparison.Ordinal);
        return compact.Length >= 3 && (compact.All(c => c == '-') || compact.All(c => c == '*') || compact.All(c => c == '_'));
    }

    private static string FenceOf(string line)
    {
        var trimmed = line.TrimStart();
        return new string(trimmed[0], trimmed.TakeWhile(c => c == trimmed[0]).Count());
    }

    private bool IsFenceEnd(string line)
    {
        var trimmed = line.Trim();
        return _fence is not null && trimmed.Length >= _fence.Length && trimmed.All(c => c == _fence[0]);
    }

    /// <summary>
    /// How far a line can be shown without cutting an inline span that may still close (the
    /// start of the earliest one open), and never into a run of marker characters at its end.
    /// </summary>
    private static int SafeEnd(string line, int from)
    {
        var end = line.Length;
        while (end > from && line[end - 1] is '*' or '_' or '`' or '~' or '[' or ']' or '(' or '!') end--;
        var open = -1;
        string? closing = null;
        for (var i = from; i < end; i++)
        {
            if (closing is not null)
            {
                if (string.CompareOrdinal(line, i, closing, 0, closing.Length) == 0)
                {
                    i += closing.Length - 1;
                    closing = null;
                    open = -1;
                }
                continue;
            }
            if (SpanStart(line, i) is { } span)
            {
                open = i;
                closing = span.Closing;
                i += span.Opening.Length - 1;
            }
        }
        return closing is null ? end : Math.Max(from, open);
    }

    private static (string Opening, string Closing)? SpanStart(string text, int i)
    {
        var c = text[i];
        if (c == '`') return (new string('`', text.Skip(i).TakeWhile(x => x == '`').Count()), new string('`', text.Skip(i).TakeWhile(x => x == '`').Count()));
        if (c == '[') return ("[", ")");
        if (c is '*' or '_' or '~')
        {
            var run = text.Skip(i).TakeWhile(x => x == c).Count();
            var before = i == 0 ? ' ' : text[i - 1];
            var after = i + run < text.Length ? text[i + run] : ' ';
            // Opening only where it can open, as CommonMark has it: not inside a word for _, never before a space.
            if (char.IsWhiteSpace(after) || (c == '_' && char.IsLetterOrDigit(before)) || (c == '~' && run < 2)) return null;
            var marker = new string(c, Math.Min(run, 2));
            return (marker, marker);
        }
        return null;
    }

    /// <summary>Inline styles of a stretch of text that holds no unclosed span.</summary>
    private static string Inline(string text)
    {
        var output = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (SpanStart(text, i) is { } span)
            {
                var contentStart = i + span.Opening.Length;
                if (span.Opening == "[")
                {
                    var close = text.IndexOf("](", contentStart, StringComparison.Ordinal);
                    var end = close < 0 ? -1 : text.IndexOf(')', close + 2);
                    if (close >= 0 && end > 0)
                    {
                        output.Append("\e[4m").Append(Inline(text[contentStart..close])).Append("\e[24m")
                            .Append(' ').Append(Dim).Append('(').Append(text[(close + 2)..end]).Append(')').Append(DimOff);
                        i = end + 1;
                        continue;
                    }
                }
                else
                {
                    var close = text.IndexOf(span.Closing, contentStart, StringComparison.Ordinal);
                    if (close > contentStart)
                    {
                        var inner = text[contentStart..close];
                        output.Append(span.Opening switch
                        {
                            _ when span.Opening[0] == '`' => $"{CodeStyle}{inner}\e[39m",
                            "**" or "__" => $"\e[1m{Inline(inner)}{DimOff}",
                            "~~" => $"\e[9m{Inline(inner)}\e[29m",
                            _ => $"\e[3m{Inline(inner)}\e[23m",
                        });
                        i = close + span.Closing.Length;
                        continue;
                    }
                }
            }
            output.Append(text[i]);
            i++;
        }
        return output.ToString();
    }

    private void FlushTable(StringBuilder output)
    {
        if (_tableRows.Count == 0) return;
        var rows = _tableRows.Select(Cells).ToList();
        _tableRows.Clear();
        var delimiter = rows.FindIndex(r => r.Count > 0 && r.All(c => c.Trim().Trim(':').Length > 0 && c.Trim().Trim(':').All(x => x == '-')));
        var alignments = delimiter >= 0 ? rows[delimiter].Select(c => c.Trim() is var d && d.StartsWith(':') && d.EndsWith(':') ? 0 : d.EndsWith(':') ? 1 : -1).ToList() : new List<int>();
        if (delimiter >= 0) rows.RemoveAt(delimiter);
        var columns = rows.Max(r => r.Count);
        var rendered = rows.Select(r => Enumerable.Range(0, columns).Select(i => i < r.Count ? Inline(r[i].Trim()) : string.Empty).ToList()).ToList();
        var widths = Enumerable.Range(0, columns).Select(i => rendered.Max(r => Visible(r[i]))).ToList();
        for (var row = 0; row < rendered.Count; row++)
        {
            for (var i = 0; i < columns; i++)
            {
                if (i > 0) output.Append(Dim).Append(" │ ").Append(DimOff);
                var cell = rendered[row][i];
                var pad = widths[i] - Visible(cell);
                var align = i < alignments.Count ? alignments[i] : -1;
                var left = align == 1 ? pad : align == 0 ? pad / 2 : 0;
                var header = row == 0 && delimiter == 1;
                output.Append(' ', left).Append(header ? "\e[1m" : string.Empty).Append(cell).Append(header ? DimOff : string.Empty).Append(' ', pad - left);
            }
            output.Append(Reset).Append('\n');
            if (row == 0 && delimiter == 1)
                output.Append(Dim).Append(string.Join("─┼─", widths.Select(w => new string('─', w)))).Append(Reset).Append('\n');
        }
    }

    private static List<string> Cells(string row)
    {
        var trimmed = row.Trim();
        if (trimmed.StartsWith('|')) trimmed = trimmed[1..];
        if (trimmed.EndsWith('|') && !trimmed.EndsWith("\\|", StringComparison.Ordinal)) trimmed = trimmed[..^1];
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] == '\\' && i + 1 < trimmed.Length && trimmed[i + 1] == '|') { cell.Append('|'); i++; continue; }
            if (trimmed[i] == '|') { cells.Add(cell.ToString()); cell.Clear(); continue; }
            cell.Append(trimmed[i]);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    /// <summary>How many columns text takes on screen: its characters without the escape sequences.</summary>
    internal static int Visible(string text)
    {
        var width = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\e')
            {
                while (i < text.Length && !char.IsAsciiLetter(text[i])) i++;
                continue;
            }
            if (!char.IsLowSurrogate(text[i])) width++;
        }
        return width;
    }
}
