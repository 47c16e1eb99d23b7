using System.Text;
using System.Text.RegularExpressions;
using PsLlm.Rendering;

namespace PsLlm.Tests;

/// <summary>
/// How Start-LlmChat and Show-LlmMarkdown draw Markdown: what each construct becomes, and that an
/// answer drawn piece by piece while it streams reads the same as drawn whole, never showing a
/// marker that a later piece turns into a style.
/// </summary>
public sealed partial class MarkdownStreamTests
{
    private const string Answer = """
        # Installing PsLlm

        Run **two** commands, then `Import-Module`. See [the README](https://example.com/readme) and *notes*.

        1. Build it.
        2. Test it: ~~slowly~~ quickly.
        - a bullet with __strong__ text
          - a nested one

        > Quoted advice.

        ```powershell
        Get-LlmModel | Where-Object Id -like '*mini*' # **not bold**
        ```

        | Model | Context | Note |
        |:------|--------:|:----:|
        | gpt-4o-mini | 128000 | `cheap` |
        | llama3.2 | 8192 | local |

        ---
        That is all.
        """;

    [GeneratedRegex("\e\\[[0-9;]*m")]
    private static partial Regex Escapes();

    private static string Plain(string text) => Escapes().Replace(text, string.Empty);

    private static string Streamed(string markdown, int chunk)
    {
        var stream = new MarkdownStream(80);
        var shown = new StringBuilder();
        for (var i = 0; i < markdown.Length; i += chunk)
            shown.Append(stream.Write(markdown.Substring(i, Math.Min(chunk, markdown.Length - i))));
        return shown.Append(stream.Complete()).ToString();
    }

    [Fact]
    public void Markers_become_styles_and_disappear()
    {
        var drawn = MarkdownStream.Render(Answer);
        Assert.Contains("\e[1;4;36mInstalling PsLlm", drawn);
        Assert.Contains("\e[1mtwo", drawn);
        Assert.Contains("\e[33mImport-Module\e[39m", drawn);
        Assert.Contains("\e[4mthe README\e[24m", drawn);
        Assert.Contains("\e[3mnotes\e[23m", drawn);
        Assert.Contains("\e[9mslowly\e[29m", drawn);
        Assert.Contains("\e[1mstrong", drawn);

        var plain = Plain(drawn);
        Assert.Contains("Run two commands, then Import-Module. See the README (https://example.com/readme) and notes.", plain);
        Assert.Contains("1. Build it.", plain);
        Assert.Contains("• a bullet with strong text", plain);
        Assert.Contains("  ◦ a nested one", plain);
        Assert.Contains("│ Quoted advice.", plain);
        Assert.DoesNotContain("# Installing", plain);
        Assert.DoesNotContain("**two**", plain);
        Assert.DoesNotContain("```", plain);
    }

    [Fact]
    public void Code_blocks_keep_their_text_as_written()
    {
        var plain = Plain(MarkdownStream.Render(Answer));
        Assert.Contains("── powershell ", plain);
        Assert.Contains("│ Get-LlmModel | Where-Object Id -like '*mini*' # **not bold**", plain);
    }

    [Fact]
    public void A_fence_of_four_backticks_holds_one_of_three()
    {
        var plain = Plain(MarkdownStream.Render("````markdown\n```\ninside\n```\n````\nafter\n"));
        Assert.Contains("│ ```", plain);
        Assert.Contains("│ inside", plain);
        Assert.EndsWith("after\n", plain);
    }

    [Fact]
    public void Tables_are_aligned_as_their_delimiter_row_says()
    {
        var lines = Plain(MarkdownStream.Render(Answer)).Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("Model", StringComparison.Ordinal));
        Assert.True(header >= 0);
        Assert.Equal("Model       │ Context │ Note ", lines[header]);
        Assert.Equal("────────────┼─────────┼──────", lines[header + 1]);
        Assert.Equal("gpt-4o-mini │  128000 │ cheap", lines[header + 2]);
        Assert.Equal("llama3.2    │    8192 │ local", lines[header + 3]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    public void Streaming_in_pieces_shows_the_same_text_as_drawing_it_whole(int chunk) =>
        Assert.Equal(Plain(MarkdownStream.Render(Answer)), Plain(Streamed(Answer, chunk)));

    [Fact]
    public void An_open_span_is_held_back_until_it_closes()
    {
        var stream = new MarkdownStream();
        Assert.Equal("Some ", Plain(stream.Write("Some **bo")));
        var rest = stream.Write("ld** text");
        Assert.StartsWith("\e[1mbold", rest);
        Assert.Equal("bold text", Plain(rest));
    }

    [Fact]
    public void A_span_that_never_closes_is_shown_as_written_at_the_end_of_its_line()
    {
        var stream = new MarkdownStream();
        var shown = stream.Write("2 * 3 and a lone **star") + stream.Write("\n");
        Assert.Equal("2 * 3 and a lone **star\n", Plain(shown));
    }

    [Fact]
    public void A_table_is_shown_only_once_it_is_complete()
    {
        var stream = new MarkdownStream();
        Assert.Equal(string.Empty, stream.Write("| a | b |\n|---|---|\n| 1 | 2 |\n"));
        var shown = Plain(stream.Write("Done.\n"));
        Assert.Equal("a │ b\n──┼──\n1 │ 2\nDone.\n", shown);
    }

    [Fact]
    public void A_line_that_may_become_a_heading_or_rule_waits_for_enough_of_it()
    {
        var stream = new MarkdownStream();
        Assert.Equal(string.Empty, stream.Write("-"));
        Assert.Equal(string.Empty, stream.Write("--"));
        var rule = stream.Write("\n");
        Assert.Matches("^─{20,}\n$", Plain(rule));
    }

    [Fact]
    public void Visible_width_ignores_escape_sequences() =>
        Assert.Equal(4, MarkdownStream.Visible("\e[1;36mbold\e[0m"));
}
