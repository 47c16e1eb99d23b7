using System.Management.Automation;
using PsLlm.Sessions;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Reads a conversation saved by Export-LlmChatSession into a new session.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "LlmChatSession")]
[OutputType(typeof(ChatSession))]
public sealed class ImportLlmChatSessionCommand : PSCmdlet
{
    /// <summary>The session file; Get-ChildItem output binds by its FullName.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("FullName", "PSPath", "LiteralPath")]
    public string Path { get; set; } = string.Empty;

    /// <summary>The client the session's chats use (files hold no client); default: the default client.</summary>
    [Parameter]
    public LlmClient? Client { get; set; }

    protected override void ProcessRecord()
    {
        var path = ChatSessionFiles.Resolve(this, Path, out var error);
        var session = path is null ? null : ChatSessionFiles.Import(path, out error);
        if (session is null)
        {
            WriteError(error!);
            return;
        }
        session.Client = Client;
        WriteObject(session);
    }
}
