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
        'Get-LlmModel'
        'New-LlmTool'
        'Invoke-LlmChat'
        'Register-LlmCallback'
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
            ReleaseNotes = 'First release: chat, streaming, callbacks in four delivery paths.'
        }
    }
}
