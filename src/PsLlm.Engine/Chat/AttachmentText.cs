namespace PsLlm.Engine.Chat;

/// <summary>
/// How a text file reaches the model: its name, then its content in a fence longer than any run of
/// backticks inside it, so a Markdown or code file cannot end the fence early.
/// </summary>
internal static class AttachmentText
{
    public static string Of(ChatAttachment attachment)
    {
        var text = attachment.Text ?? string.Empty;
        var fence = new string('`', Math.Max(3, LongestBacktickRun(text) + 1));
        return $"File {attachment.Name}:\n{fence}\n{text.TrimEnd('\n', '\r')}\n{fence}";
    }

    private static int LongestBacktickRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }
}
