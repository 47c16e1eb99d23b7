# Start-LlmBatch, Get-LlmBatch, Wait-LlmBatch, Receive-LlmBatch and Stop-LlmBatch against the fake
# server's Files and Batch APIs.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    $script:csv = Join-Path $TestDrive 'tickets.csv'
    "CustomId,Prompt`nT-1,The app crashes.`nT-2,How do I export?`nT-3,Add dark mode." | Set-Content $csv
}

AfterAll { Reset-FakeServer }

Describe 'A batch from start to answers' {
    BeforeEach { Reset-FakeServer }

    It 'starts from CSV rows, waits with progress, and gives each answer its row' {
        $batch = Import-Csv $csv | Start-LlmBatch -Client $client -System 'Classify.'
        $batch | Should -BeOfType PsLlm.LlmBatch
        $batch.Status | Should -Be 'validating'
        $batch.Total | Should -Be 3
        $done = $batch | Wait-LlmBatch -PollingIntervalSec 0.1 -ProgressAction SilentlyContinue
        $done.Status | Should -Be 'completed'
        $answers = @($done | Receive-LlmBatch)
        $answers | Should -HaveCount 3
        foreach ($a in $answers) {
            $a | Should -BeOfType PsLlm.ChatResponse
            $a.Text | Should -Be "Echo: $($a.Prompt)"
            $a.InputObject.CustomId | Should -Be $a.CustomId
        }
        ($answers.CustomId | Sort-Object) | Should -Be @('T-1', 'T-2', 'T-3')
    }

    It 'a failed item is an error whose TargetObject is its input; the rest are answers' {
        Set-FakeBatches -FailCustomIds 'T-2'
        $answers = Import-Csv $csv | Start-LlmBatch -Client $client | Wait-LlmBatch -PollingIntervalSec 0.1 |
            Receive-LlmBatch -ErrorVariable failed -ErrorAction SilentlyContinue
        ($answers.CustomId | Sort-Object) | Should -Be @('T-1', 'T-3')
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmBadRequest,PsLlm.Commands.ReceiveLlmBatchCommand'
        $failed[0].TargetObject.CustomId | Should -Be 'T-2'
    }

    It 'raises a chat''s events per item, so callbacks and the log record them' {
        $db = Join-Path $TestDrive 'batch-log.db'
        Enable-LlmLog -Path $db
        try {
            $script:ends = 0
            $null = Register-LlmCallback -EventName LlmEnd -Action { $script:ends++ } -Name BatchEnds
            $null = 'one', 'two' | Start-LlmBatch -Client $client | Wait-LlmBatch -PollingIntervalSec 0.1 | Receive-LlmBatch
            $script:ends | Should -Be 2
            Disable-LlmLog
            (Get-LlmLog -Path $db | Where-Object { $_.Response -like 'Echo: *' }).Prompt | Sort-Object | Should -Be @('one', 'two')
        }
        finally {
            Disable-LlmLog
            Get-LlmCallback -Name BatchEnds | Unregister-LlmCallback -Confirm:$false
        }
    }

    It 'writes -JsonSchema answers'' Object as for a chat' {
        $schema = @{ type = 'object'; properties = @{ answer = @{ type = 'string' } }; required = @('answer'); additionalProperties = $false }
        $answer = 'Name a color.' | Start-LlmBatch -Client $client -JsonSchema $schema | Wait-LlmBatch -PollingIntervalSec 0.1 | Receive-LlmBatch
        $answer.Object.answer | Should -Not -BeNullOrEmpty
    }
}

Describe 'Following and stopping batches' {
    BeforeEach { Reset-FakeServer }

    It 'Get-LlmBatch reads one batch again, or lists the latest' {
        $first = 'a' | Start-LlmBatch -Client $client
        $second = 'b' | Start-LlmBatch -Client $client
        ($first | Get-LlmBatch).Status | Should -Be 'in_progress'
        (Get-LlmBatch -Id $second.Id -Client $client).Id | Should -Be $second.Id
        (Get-LlmBatch -Client $client -First 1).Id | Should -Be $second.Id
        (Get-LlmBatch -Client $client).Count | Should -Be 2
    }

    It 'Wait-LlmBatch -TimeoutSec gives up with LlmBatchWaitTimeout; the batch goes on' {
        Set-FakeBatches -HoldAt in_progress
        $batch = 'a' | Start-LlmBatch -Client $client
        $result = $batch | Wait-LlmBatch -TimeoutSec 1 -PollingIntervalSec 0.2 -ErrorVariable late -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $late[0].FullyQualifiedErrorId | Should -Be 'LlmBatchWaitTimeout,PsLlm.Commands.WaitLlmBatchCommand'
        $late[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        ($batch | Get-LlmBatch).Status | Should -Be 'in_progress'
    }

    It 'Receive-LlmBatch on a batch still running says so' {
        Set-FakeBatches -HoldAt in_progress
        $batch = 'a' | Start-LlmBatch -Client $client
        $batch | Receive-LlmBatch -ErrorVariable early -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $early[0].FullyQualifiedErrorId | Should -Be 'LlmBatchNotFinished,PsLlm.Commands.ReceiveLlmBatchCommand'
    }

    It 'Stop-LlmBatch cancels, with -WhatIf sending nothing' {
        Set-FakeBatches -HoldAt in_progress
        $batch = 'a' | Start-LlmBatch -Client $client
        $before = @(Get-FakeRequest).Count
        $batch | Stop-LlmBatch -WhatIf
        @(Get-FakeRequest).Count | Should -Be $before
        ($batch | Stop-LlmBatch -Confirm:$false).Status | Should -Be 'cancelling'
        ($batch | Get-LlmBatch).Status | Should -Be 'cancelled'
    }
}

Describe 'Start-LlmBatch checks everything before it sends anything' {
    BeforeEach { Reset-FakeServer }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'an empty prompt'; Items = { 'fine', ' ' }; ErrorId = 'LlmEmptyPrompt' }
        @{ Case = 'a duplicate id'; Items = { [pscustomobject]@{ CustomId = 'x'; Prompt = 'a' }, [pscustomobject]@{ CustomId = 'x'; Prompt = 'b' } }; ErrorId = 'LlmBatchDuplicateId' }
        @{ Case = 'a missing attachment'; Items = { [pscustomobject]@{ Prompt = 'a'; Attachment = (Join-Path $TestDrive 'gone.png') } }; ErrorId = 'LlmAttachmentNotFound' }
    ) {
        { & $Items | Start-LlmBatch -Client $client } | Should -Throw -ErrorId "$ErrorId,PsLlm.Commands.StartLlmBatchCommand"
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It '-WhatIf says what it would start and sends nothing' {
        'a', 'b' | Start-LlmBatch -Client $client -WhatIf | Should -BeNullOrEmpty
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It 'a server without a Batch API fails with LlmBatchUnavailable' {
        $elsewhere = New-LlmClient -Endpoint ($Endpoint -replace '/v1$', '/elsewhere/v1') -Model m -MaxRetries 0
        { 'a' | Start-LlmBatch -Client $elsewhere } | Should -Throw -ErrorId 'LlmBatchUnavailable,PsLlm.Commands.StartLlmBatchCommand'
    }
}
