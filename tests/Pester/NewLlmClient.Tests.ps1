BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'New-LlmClient' {
    BeforeEach { Reset-FakeServer }

    It 'creates a client with every setting' {
        $c = New-LlmClient -Endpoint $Endpoint -ApiKey (ConvertTo-SecureString $TestKey -AsPlainText -Force) -Model m1 `
            -Organization org-1 -Project proj-1 -TimeoutSec 30 -MaxRetries 3 -Header @{ 'X-Team' = 'blue' }
        $c | Should -BeOfType PsLlm.LlmClient
        $c.Endpoint | Should -Be ([uri]$Endpoint)
        $c.Model | Should -Be 'm1'
        $c.Organization | Should -Be 'org-1'
        $c.Project | Should -Be 'proj-1'
        $c.Timeout | Should -Be ([timespan]::FromSeconds(30))
        $c.MaxRetries | Should -Be 3
        $c.HasApiKey | Should -BeTrue
        $c.HeaderNames | Should -Be 'X-Team'
    }

    It 'sends organization, project, headers and the key' {
        $c = New-LlmClient -Endpoint $Endpoint -ApiKey (ConvertTo-SecureString $TestKey -AsPlainText -Force) -Organization org-1 -Project proj-1 -Header @{ 'X-Team' = 'blue' } -MaxRetries 0
        Add-FakeReply @{ text = 'ok' }
        $null = Invoke-LlmChat 'x' -Client $c
        $request = Get-FakeRequest | Select-Object -Last 1
        $request.headers.'OpenAI-Organization' | Should -Be 'org-1'
        $request.headers.'OpenAI-Project' | Should -Be 'proj-1'
        $request.headers.'X-Team' | Should -Be 'blue'
        $request.headers.Authorization | Should -Be "Bearer $TestKey"
    }

    It 'needs no key for a local server and sends no Authorization header' {
        $c = New-TestClient -NoKey
        $c.HasApiKey | Should -BeFalse
        Add-FakeReply @{ text = 'no key needed' }
        (Invoke-LlmChat 'x' -Client $c).Text | Should -Be 'no key needed'
        (Get-FakeRequest | Select-Object -Last 1).headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
    }

    It 'rejects a malformed endpoint before any request' -ForEach @('not a url', 'ftp://host/v1', 'https://user:pw@host/v1') {
        { New-LlmClient -Endpoint $_ } | Should -Throw -ErrorId 'LlmInvalidEndpoint,PsLlm.Commands.NewLlmClientCommand'
        $err = $null
        try { New-LlmClient -Endpoint $_ } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It 'rejects out-of-range settings' {
        { New-LlmClient -Endpoint $Endpoint -MaxRetries 11 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PsLlm.Commands.NewLlmClientCommand'
        { New-LlmClient -Endpoint $Endpoint -TimeoutSec 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PsLlm.Commands.NewLlmClientCommand'
    }

    It '-Default makes it the client for commands given none' {
        $c = New-LlmClient -Endpoint $Endpoint -Model default-model -MaxRetries 0 -Default
        try {
            $c.IsDefault | Should -BeTrue
            Add-FakeReply @{ text = 'from default' }
            (Invoke-LlmChat 'x').Text | Should -Be 'from default'
            (Get-FakeRequest | Select-Object -Last 1).body | ConvertFrom-Json | ForEach-Object model | Should -Be 'default-model'
        }
        finally {
            $null = New-TestClient -Model fake-model | ForEach-Object { $_ }   # leave no test depending on it
        }
    }

    It 'builds the default client from OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL' {
        $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; (Invoke-LlmChat 'env check').Text")
        $env:OPENAI_BASE_URL, $env:OPENAI_API_KEY, $env:PSLLM_MODEL = $Endpoint, $TestKey, 'env-model'
        try {
            Add-FakeReply @{ text = 'from environment' }
            $output = & $Pwsh @pwshArgs
            $output | Should -Be 'from environment'
        }
        finally { $env:OPENAI_BASE_URL, $env:OPENAI_API_KEY, $env:PSLLM_MODEL = $null, $null, $null }
        $request = Get-FakeRequest | Select-Object -Last 1
        ($request.body | ConvertFrom-Json).model | Should -Be 'env-model'
        $request.headers.Authorization | Should -Be "Bearer $TestKey"
    }

    It 'does not send OPENAI_API_KEY to a different endpoint' {
        $env:OPENAI_API_KEY = $TestKey
        try {
            $c = New-LlmClient -Endpoint $Endpoint -MaxRetries 0
            $c.HasApiKey | Should -BeFalse
        }
        finally { $env:OPENAI_API_KEY = $null }
    }

    It 'never shows the key or header values' {
        $c = New-LlmClient -Endpoint $Endpoint -ApiKey (ConvertTo-SecureString $TestKey -AsPlainText -Force) -Header @{ 'X-Secret' = 'hdr-SECRET-77' }
        $shown = ($c | Format-List * | Out-String) + ($c | ConvertTo-Json -Depth 3) + $c.ToString() + ($c | Out-String)
        $shown | Should -Not -MatchExactly 'hdr-SECRET-77'
        $shown | Should -Not -MatchExactly ([regex]::Escape($TestKey))
        $shown | Should -MatchExactly 'X-Secret'   # the header's name is shown, its value never
    }
}
