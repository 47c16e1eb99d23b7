using PsLlm.Engine.Sessions;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>How Start-LlmChat reads a typed line.</summary>
public sealed class ChatCommandParserTests
{
    [Theory]
    [InlineData("Hello there", ChatCommandKind.Prompt, "Hello there")]
    [InlineData("  padded  ", ChatCommandKind.Prompt, "padded")]
    [InlineData("quite a question", ChatCommandKind.Prompt, "quite a question")]
    [InlineData("//etc/hosts, what is it?", ChatCommandKind.Prompt, "/etc/hosts, what is it?")]
    [InlineData("", ChatCommandKind.Empty, "")]
    [InlineData("   ", ChatCommandKind.Empty, "")]
    [InlineData("q", ChatCommandKind.Quit, "")]
    [InlineData("Q", ChatCommandKind.Quit, "")]
    [InlineData(" exit ", ChatCommandKind.Quit, "")]
    [InlineData("quit", ChatCommandKind.Quit, "")]
    [InlineData("/quit", ChatCommandKind.Quit, "")]
    [InlineData("/clear", ChatCommandKind.Clear, "")]
    [InlineData("/CLEAR", ChatCommandKind.Clear, "")]
    [InlineData("/history", ChatCommandKind.History, "")]
    [InlineData("/help", ChatCommandKind.Help, "")]
    [InlineData("/?", ChatCommandKind.Help, "")]
    [InlineData("/save chat.json", ChatCommandKind.Save, "chat.json")]
    [InlineData("/save \"my chat.json\"", ChatCommandKind.Save, "my chat.json")]
    [InlineData("/save 'my chat.json'", ChatCommandKind.Save, "my chat.json")]
    [InlineData("/save", ChatCommandKind.Save, "")]
    [InlineData("/system You are a pirate.  ", ChatCommandKind.System, "You are a pirate.")]
    [InlineData("/system", ChatCommandKind.System, "")]
    [InlineData("/frobnicate now", ChatCommandKind.Unknown, "/frobnicate")]
    [InlineData("/etc/hosts?", ChatCommandKind.Unknown, "/etc/hosts?")]
    public void ParsesLines(string line, ChatCommandKind kind, string text) =>
        Assert.Equal(new ChatCommand(kind, text), ChatCommandParser.Parse(line));

    [Fact]
    public void EndOfInputQuits() => Assert.Equal(ChatCommandKind.Quit, ChatCommandParser.Parse(null).Kind);

    [Fact]
    public void HelpListsEveryCommandAndUnknownHintPointsToIt()
    {
        foreach (var command in new[] { "/help", "/history", "/clear", "/system", "/save", "quit", "//" })
            Assert.Contains(command, ChatCommandParser.HelpText);
        Assert.Contains("/help", ChatCommandParser.UnknownHint("/x"));
        Assert.Contains("'/x'", ChatCommandParser.UnknownHint("/x"));
    }
}
