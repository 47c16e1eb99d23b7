BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
}

Describe 'The four delivery paths' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks; Get-EventSubscriber | Unregister-Event; Get-Event | Remove-Event }
    AfterEach { Remove-AllLlmCallbacks; Get-EventSubscriber | Unregister-Event; Get-Event | Remove-Event }

    It 'Register-ObjectEvent and -Action callbacks run live, before Invoke-LlmChat returns' {
        $script:objectEventTimes = [System.Collections.Generic.List[datetime]]::new()
        $script:callbackTimes = [System.Collections.Generic.List[datetime]]::new()
        # Event actions run in their own module scope, so state is shared through -MessageData.
        $null = Register-ObjectEvent -InputObject $client -EventName LlmNewToken -MessageData $script:objectEventTimes -Action { $Event.MessageData.Add([datetime]::UtcNow) }
        $null = Register-LlmCallback -EventName LlmNewToken -Action { $script:callbackTimes.Add([datetime]::UtcNow) }
        Add-FakeReply @{ tokens = @(1..10 | ForEach-Object { "w$_ " }); delayMs = 100 }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        $returned = [datetime]::UtcNow
        @($script:callbackTimes | Where-Object { $_ -lt $returned }).Count | Should -BeGreaterOrEqual 8
        @($script:objectEventTimes | Where-Object { $_ -lt $returned }).Count | Should -BeGreaterOrEqual 8
        # Spread over the stream (~1 s), not bunched at the end.
        ($script:objectEventTimes[7] - $script:objectEventTimes[0]).TotalMilliseconds | Should -BeGreaterThan 400
    }

    It 'Register-ObjectEvent without -Action queues events for Get-Event' {
        $null = Register-ObjectEvent -InputObject $client -EventName LlmEnd -SourceIdentifier ClientEnd
        Add-FakeReply @{ text = 'queued' }
        $null = Invoke-LlmChat 'x' -Client $client
        $event = Wait-Event -SourceIdentifier ClientEnd -Timeout 5
        $event.SourceEventArgs.Response.Text | Should -Be 'queued'
        [object]::ReferenceEquals($event.Sender, $client) | Should -BeTrue
    }

    It 'CallbackEvent carries every event' {
        $script:all = [System.Collections.Generic.List[object]]::new()
        $null = Register-ObjectEvent -InputObject $client -EventName CallbackEvent -MessageData $script:all -Action { $Event.MessageData.Add($EventArgs) }
        Add-FakeReply @{ text = 'x' }
        $null = Invoke-LlmChat 'x' -Client $client
        Wait-Event -Timeout 1 | Out-Null
        # PowerShell queues .NET-event actions through the thread pool, so they may run out of
        # order; each event's Timestamp restores it.
        ($script:all | Sort-Object Timestamp).EventName | Should -Be @('ChainStart', 'Text', 'ChatModelStart', 'LlmEnd', 'ChainEnd')
    }

    It 'raises engine events named PsLlm.EventName for Register-EngineEvent' {
        # Engine-event actions see the PsLlm event as $Event.MessageData and $EventArgs; they run in
        # their own scope, so results go to a global.
        $global:PsLlmTestEnds = [System.Collections.Generic.List[object]]::new()
        $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmEnd -Action { $global:PsLlmTestEnds.Add($Event.MessageData); $global:PsLlmTestEnds.Add($EventArgs) }
        Add-FakeReply @{ text = 'engine' }
        $null = Invoke-LlmChat 'x' -Client $client
        Wait-Event -Timeout 1 | Out-Null
        $global:PsLlmTestEnds.Count | Should -Be 2
        $global:PsLlmTestEnds[0].Response.Text | Should -Be 'engine'
        [object]::ReferenceEquals($global:PsLlmTestEnds[0], $global:PsLlmTestEnds[1]) | Should -BeTrue
    }

    It 'coalesces engine token events without losing text' {
        $global:PsLlmTestBatches = [System.Collections.Generic.List[object]]::new()
        $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmNewToken -Action { $global:PsLlmTestBatches.Add($EventArgs) }
        $words = 1..40 | ForEach-Object { "w$_ " }
        Add-FakeReply @{ tokens = $words; delayMs = 10 }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        Wait-Event -Timeout 1 | Out-Null
        $batches = $global:PsLlmTestBatches | Sort-Object Index
        $batches.Count | Should -BeLessThan 40
        -join $batches.Token | Should -Be (-join $words)
        ($batches | ForEach-Object Count | Measure-Object -Sum).Sum | Should -Be 40
    }

    It 'generates no engine events nobody subscribed to' {
        Add-FakeReply @{ tokens = @('a', 'b') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        Get-Event | Should -BeNullOrEmpty
    }

    It 'forwards engine events from a Start-Job background job' {
        Add-FakeReply @{ text = 'forwarded answer' }
        $job = Start-Job -ScriptBlock {
            param($modulePath, $endpoint)
            Register-EngineEvent -SourceIdentifier PsLlm.LlmEnd -Forward
            Import-Module $modulePath
            $c = New-LlmClient -Endpoint $endpoint -Model fake-model -MaxRetries 0
            $null = Invoke-LlmChat 'from the job' -Client $c
            Start-Sleep -Milliseconds 500
        } -ArgumentList $ModulePath, $Endpoint
        try {
            $event = Wait-Event -SourceIdentifier PsLlm.LlmEnd -Timeout 60
            $event | Should -Not -BeNullOrEmpty
            # Forwarded events are serialized; the module's type data keeps the response's properties.
            $event.MessageData.EventName | Should -Be 'LlmEnd'
            $event.MessageData.Response.Text | Should -Be 'forwarded answer'
            $event.MessageData.Response.Usage.OutputTokens | Should -BeGreaterThan 0
        }
        finally { $job | Wait-Job -Timeout 30 | Remove-Job -Force }
    }
}
