@{
    RootModule           = 'PsLlm.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b7d2f8e-3c41-4a6e-9f0d-6e2b1c9a7d41'
    Author               = 'PsLlm contributors'
    CompanyName          = 'PsLlm'
    Copyright            = '(c) PsLlm contributors. MIT License.'
    Description          = 'LLM chat for PowerShell 7 on OpenAI and any OpenAI-compatible server (Azure OpenAI, Ollama, LM Studio, vLLM, llama.cpp), with LangChain-style callbacks delivered as scriptblocks, .NET events, engine events and pipeline objects.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    # Loaded into the default context so [PsLlm.*] type literals and PowerShell classes deriving
    # from PsLlm.CallbackHandler resolve; the engine and the OpenAI SDK load privately from deps/.
    RequiredAssemblies   = @('PsLlm.Abstractions.dll')
    FormatsToProcess     = @('PsLlm.format.ps1xml')
    TypesToProcess       = @('PsLlm.types.ps1xml')
    CmdletsToExport      = @(
        'New-LlmClient'
        'New-LlmFakeClient'
        'Get-LlmModel'
        'Show-LlmMarkdown'
        'New-LlmTool'
        'Connect-LlmMcpServer'
        'Get-LlmMcpServer'
        'Disconnect-LlmMcpServer'
        'Get-LlmMcpTool'
        'Start-LlmMcpServer'
        'Invoke-LlmChat'
        'Start-LlmBatch'
        'Get-LlmBatch'
        'Wait-LlmBatch'
        'Receive-LlmBatch'
        'Stop-LlmBatch'
        'Register-LlmCallback'
        'Receive-LlmCallback'
        'Wait-LlmCallback'
        'Get-LlmCallback'
        'Unregister-LlmCallback'
        'Invoke-LlmChain'
        'New-LlmChatSession'
        'Export-LlmChatSession'
        'Import-LlmChatSession'
        'Start-LlmChat'
        'New-LlmConsoleHandler'
        'New-LlmJsonlHandler'
        'New-LlmWebhookHandler'
        'New-LlmOtelHandler'
        'Enable-LlmLog'
        'Disable-LlmLog'
        'Get-LlmLog'
        'Get-LlmUsage'
        'Set-LlmPrice'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('LLM', 'OpenAI', 'Ollama', 'AI', 'Chat', 'LangChain', 'Callbacks', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = @'
0.1.0: chat with any OpenAI-compatible server (streamed, structured, with tools, sessions and attachments, many at once or as
batches, in jobs), Get-LlmModel, New-LlmFakeClient for tests,
proxies, an interactive Start-LlmChat with Markdown answers, LangChain-style callback events delivered four ways, and
recorders for every inference (console, JSONL, webhook, OpenTelemetry, a SQLite log with usage and cost).
CHANGELOG.md in the module's folder lists everything; LICENSE and THIRD-PARTY-NOTICES.txt are beside it.
'@
        }
    }
}
