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
        $null = Register-ObjectEvent -InputObject $client -EventName LlmNewToken -Action { $script:objectEventTimes.Add([datetime]::UtcNow) }
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
        $script:all = [System.Collections.Generic.List[string]]::new()
        $null = Register-ObjectEvent -InputObject $client -EventName CallbackEvent -Action { $script:all.Add($EventArgs.EventName) }
        Add-FakeReply @{ text = 'x' }
        $null = Invoke-LlmChat 'x' -Client $client
        Wait-Event -Timeout 1 | Out-Null
        $script:all | Should -Be @('ChainStart', 'Text', 'ChatModelStart', 'LlmEnd', 'ChainEnd')
    }

    It 'raises engine events PsLlm.<EventName> for Register-EngineEvent' {
        $script:engineEnd = $null
        $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmEnd -Action { $script:engineEnd = $Event.MessageData }
        Add-FakeReply @{ text = 'engine' }
        $null = Invoke-LlmChat 'x' -Client $client
        $script:engineEnd.Response.Text | Should -Be 'engine'
    }

    It 'coalesces engine token events without losing text' {
        $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmNewToken
        $words = 1..40 | ForEach-Object { "w$_ " }
        Add-FakeReply @{ tokens = $words; delayMs = 5 }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        $batches = @(Get-Event -SourceIdentifier PsLlm.LlmNewToken)
        $batches.Count | Should -BeLessThan 40
        -join ($batches | ForEach-Object { $_.MessageData.Token }) | Should -Be (-join $words)
        ($batches | ForEach-Object { $_.MessageData.Count } | Measure-Object -Sum).Sum | Should -Be 40
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
            $event.SourceEventArgs.Response.Text | Should -Be 'forwarded answer'
        }
        finally { $job | Wait-Job -Timeout 30 | Remove-Job -Force }
    }
}
