BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'The API key never leaks' {
    BeforeEach { Reset-FakeServer }

    It 'appears in no output stream, error, warning, verbose/debug message, event or string form' {
        $headerSecret = 'hdr-SECRET-5150'
        $client = New-TestClient -Header @{ 'X-Api-Secret' = $headerSecret }
        $null = Register-LlmCallback -EventName * -Action { throw "handler fails, showing $($_.Summary)" }
        $global:PsLlmSecretEvents = [System.Collections.Generic.List[object]]::new()
        $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmError -Action { $global:PsLlmSecretEvents.Add($Event.MessageData) }
        try {
            Add-FakeReply @(
                @{ tokens = @('fine ', 'answer') }
                # A server that echoes the key and the secret header back in its error.
                @{ status = 401; errorMessage = "Incorrect API key provided: $TestKey (and $headerSecret)"; errorCode = 'invalid_api_key' }
                @{ tokens = @('half '); disconnectAfterTokens = 1 }
            )
            # Preference variables rather than -Debug: a cmdlet's -Debug switch makes warnings prompt.
            $everything = & {
                $VerbosePreference = 'Continue'
                $DebugPreference = 'Continue'
                $ErrorActionPreference = 'Continue'
                Invoke-LlmChat 'one' -Client $client -Stream -PassThru
                Invoke-LlmChat 'two' -Client $client -AsEvents
                Invoke-LlmChat 'three' -Client $client -AsEvents
            } *>&1
            Wait-Event -Timeout 1 | Out-Null   # let the engine-event actions run
            $text = @(
                $everything | Out-String -Width 500
                $everything | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500 }
                $everything | ForEach-Object { try { $_ | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue } catch { } }
                # $Error holds ErrorRecords and, from other tests' catch blocks, bare exceptions.
                $Error | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString() } else { "$_" } }
                $global:PsLlmSecretEvents | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
                $client | Format-List * -Force | Out-String
                Get-LlmCallback | Format-List * | Out-String
            ) -join "`n"
            $text | Should -Match 'Incorrect API key provided'   # the error itself is there…
            $text | Should -Match 'handler fails'                 # …and the warnings…
            $text | Should -Match 'Chat with http'                # …verbose…
            $text | Should -Match 'LlmNewToken #0'                # …debug…
            $global:PsLlmSecretEvents.Count | Should -BeGreaterThan 0   # …and engine events
            $text | Should -Not -MatchExactly ([regex]::Escape($TestKey)) # …but never the key
            $text | Should -Not -MatchExactly 'SECRET'
            $text | Should -Not -MatchExactly $headerSecret
        }
        finally {
            Get-LlmCallback | Unregister-LlmCallback
            Get-EventSubscriber | Unregister-Event
        }
    }
}
