using PsLlm.Interactive;

namespace PsLlm.Tests;

/// <summary>How Start-LlmChat reads a typed line.</summary>
public sealed class ChatCommandParserTests
{
    [Theory]
    [InlineData("Hello there", "Prompt", "Hello there")]
    [InlineData("  padded  ", "Prompt", "padded")]
    [InlineData("quite a question", "Prompt", "quite a question")]
    [InlineData("//etc/hosts, what is it?", "Prompt", "/etc/hosts, what is it?")]
    [InlineData("", "Empty", "")]
    [InlineData("   ", "Empty", "")]
    [InlineData("q", "Quit", "")]
    [InlineData("Q", "Quit", "")]
    [InlineData(" exit ", "Quit", "")]
    [InlineData("quit", "Quit", "")]
    [InlineData("/quit", "Quit", "")]
    [InlineData("/clear", "Clear", "")]
    [InlineData("/CLEAR", "Clear", "")]
    [InlineData("/history", "History", "")]
    [InlineData("/help", "Help", "")]
    [InlineData("/?", "Help", "")]
    [InlineData("/save chat.json", "Save", "chat.json")]
    [InlineData("/save \"my chat.json\"", "Save", "my chat.json")]
    [InlineData("/save 'my chat.json'", "Save", "my chat.json")]
    [InlineData("/save", "Save", "")]
    [InlineData("/system You are a pirate.  ", "System", "You are a pirate.")]
    [InlineData("/system", "System", "")]
    [InlineData("/frobnicate now", "Unknown", "/frobnicate")]
    [InlineData("/etc/hosts?", "Unknown", "/etc/hosts?")]
    // The kind is named as text: the parser's types are internal to the module.
    public void ParsesLines(string line, string kind, string text) =>
        Assert.Equal(new ChatCommand(Enum.Parse<ChatCommandKind>(kind), text), ChatCommandParser.Parse(line));

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
