BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'The API key never leaks' {
    BeforeEach { Reset-FakeServer }

    It 'appears in no output stream, error, warning, verbose/debug message, event or string form' {
        $headerSecret = 'hdr-SECRET-5150'
        $client = New-TestClient -Header @{ 'X-Api-Secret' = $headerSecret }
        $null = Register-LlmCallback -EventName * -Action { throw "handler fails, showing $($_.Summary)" }
        $script:engineEvents = [System.Collections.Generic.List[object]]::new()
        $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmError -Action { $script:engineEvents.Add($Event.MessageData) }
        try {
            Add-FakeReply @(
                @{ tokens = @('fine ', 'answer') }
                # A server that echoes the key and the secret header back in its error.
                @{ status = 401; errorMessage = "Incorrect API key provided: $TestKey (and $headerSecret)"; errorCode = 'invalid_api_key' }
                @{ tokens = @('half '); disconnectAfterTokens = 1 }
            )
            $everything = & {
                Invoke-LlmChat 'one' -Client $client -Stream -PassThru -Verbose -Debug
                Invoke-LlmChat 'two' -Client $client -AsEvents -Verbose -Debug
                Invoke-LlmChat 'three' -Client $client -AsEvents -Verbose -Debug
            } *>&1
            $text = @(
                $everything | Out-String -Width 500
                $everything | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500 }
                $everything | ForEach-Object { try { $_ | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue } catch { } }
                $Error | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500; $_.Exception.ToString() }
                $script:engineEvents | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
                $client | Format-List * -Force | Out-String
                Get-LlmCallback | Format-List * | Out-String
            ) -join "`n"
            $text | Should -Match 'Incorrect API key provided'   # the error itself is there…
            $text | Should -Match 'handler fails'                 # …and the warnings…
            $text | Should -Not -Match ([regex]::Escape($TestKey)) # …but never the key
            $text | Should -Not -Match 'SECRET'
            $text | Should -Not -Match $headerSecret
        }
        finally {
            Get-LlmCallback | Unregister-LlmCallback
            Get-EventSubscriber | Unregister-Event
        }
    }
}
