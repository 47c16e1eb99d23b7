using System.Management.Automation;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Creates a conversation: Invoke-LlmChat -Session sends its history and adds each turn.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "LlmChatSession")]
[OutputType(typeof(ChatSession))]
public sealed class NewLlmChatSessionCommand : PSCmdlet
{
    /// <summary>The system message, sent first with every chat and never trimmed.</summary>
    [Parameter(Position = 0)]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>The client its chats use; default: the default client at the time of each chat.</summary>
    [Parameter]
    public LlmClient? Client { get; set; }

    /// <summary>The model its chats use; default: the client's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>Send at most this many history messages (the oldest whole turns are dropped first).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxHistory { get; set; }

    /// <summary>Send at most about this many tokens of history (estimated at 4 characters a token).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxTokens { get; set; }

    protected override void ProcessRecord() =>
        WriteObject(new ChatSession(
            Client,
            System,
            Model,
            MyInvocation.BoundParameters.ContainsKey(nameof(MaxHistory)) ? MaxHistory : null,
            MyInvocation.BoundParameters.ContainsKey(nameof(MaxTokens)) ? MaxTokens : null));
}
