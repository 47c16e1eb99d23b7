using System.Management.Automation;
using PsLlm.Sessions;

namespace PsLlm.Commands;

/// <summary>
/// <para type="synopsis">Saves a conversation to a JSON file (history, system message, limits; never the client or its key).</para>
/// </summary>
[Cmdlet(VerbsData.Export, "LlmChatSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ChatSession))]
public sealed class ExportLlmChatSessionCommand : PSCmdlet
{
    /// <summary>The session to save.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ChatSession Session { get; set; } = null!;

    /// <summary>The file to write; relative to the current location. An existing file is replaced unless -NoClobber.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath", "FilePath")]
    public string Path { get; set; } = string.Empty;

    /// <summary>Do not replace an existing file (error LlmSessionFileExists).</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Write the session after saving it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var path = ChatSessionFiles.Resolve(this, Path, out var error);
        if (path is null)
        {
            WriteError(error!);
            return;
        }
        if (!ShouldProcess(path, "Export chat session")) return;
        error = ChatSessionFiles.Export(Session, path, NoClobber);
        if (error is not null) WriteError(error);
        else if (PassThru) WriteObject(Session);
    }
}
