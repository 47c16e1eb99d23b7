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

Describe 'No member of a client or session leads to a secret' {
    It 'shows no key, header value or URL password through <_>' -ForEach @('Format-List', 'ConvertTo-Json', 'Export-Clixml', 'PSSerializer', 'HeaderNames.SyncRoot') {
        $client = New-TestClient -Header @{ 'X-Secret' = 'hdr-CANARY-7731'; 'X-Other' = (ConvertTo-SecureString 'sec-CANARY-8842' -AsPlainText -Force) }
        $session = New-LlmChatSession -Client $client -System 'be brief'
        $shown = switch ($_) {
            'Format-List' { ($client, $session | Format-List * -Force | Out-String -Width 500) + ($client.PSObject.Properties | Out-String -Width 500) }
            'ConvertTo-Json' { $client, $session | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue }
            'Export-Clixml' { $file = Join-Path $TestDrive 'client.xml'; $client, $session | Export-Clixml $file -Depth 6; Get-Content $file -Raw }
            'PSSerializer' { [System.Management.Automation.PSSerializer]::Serialize(@($client, $session), 6) }
            'HeaderNames.SyncRoot' { ($client.HeaderNames | Out-String) + ($client.HeaderNames.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value | Out-String)" }) -join "`n" }
        }
        $shown | Should -Not -BeNullOrEmpty
        $shown | Should -Not -Match 'CANARY'
        $shown | Should -Not -Match ([regex]::Escape($TestKey))
        $client.HeaderNames | Sort-Object | Should -Be @('X-Other', 'X-Secret')
    }

    It 'takes user:password@ out of an endpoint in the record, its category and a directly built client' {
        $failed = $null
        try { New-LlmClient -Endpoint 'http://ada:pw-CANARY-9912@llm.example/v1' } catch { $failed = $_ }
        $failed.FullyQualifiedErrorId | Should -Be 'LlmInvalidEndpoint,PsLlm.Commands.NewLlmClientCommand'
        $text = ($failed | Format-List * -Force | Out-String -Width 500) + $failed.CategoryInfo.ToString() + "$($failed.TargetObject)" + $failed.Exception.Message
        $text | Should -Not -Match 'CANARY'
        $text | Should -Match 'llm\.example'

        $direct = [PsLlm.LlmClient]::new([uri]'http://ada:pw-CANARY-9912@127.0.0.1:9/v1', $null, 'm')
        "$direct" | Should -Not -Match 'CANARY'
        $direct.Endpoint.ToString() | Should -Not -Match 'ada'
        $verbose = Invoke-LlmChat 'x' -Client $direct -Verbose -ErrorAction SilentlyContinue 4>&1 | Out-String
        $verbose | Should -Match 'Chat with http://127.0.0.1:9/v1'
        $verbose | Should -Not -Match 'CANARY'
    }
}
