BeforeDiscovery {
    # Session and tool cmdlets come from other work; their tests run once the built module has them.
    $built = if ($env:PSLLM_TEST_MODULE) { $env:PSLLM_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/PsLlm' }
    $script:builtCmdlets = @((Import-PowerShellDataFile (Join-Path $built 'PsLlm.psd1')).CmdletsToExport)
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    $script:folder = Join-Path ([System.IO.Path]::GetTempPath()) "psllm-log-pester-$([guid]::NewGuid().ToString('N'))"
    $script:db = Join-Path $folder 'logs.db'
    $script:savedLogPath = $env:PSLLM_LOG_PATH
}

AfterAll {
    Disable-LlmLog
    $env:PSLLM_LOG_PATH = $savedLogPath
    Remove-Item $folder -Recurse -Force -ErrorAction Ignore
}

Describe 'Enable-LlmLog, Get-LlmLog, Get-LlmUsage and Set-LlmPrice' {
    BeforeAll {
        Reset-FakeServer
        Enable-LlmLog -Path $db
        Add-FakeReply @{ text = 'Owls are nocturnal hunters.'; promptTokens = 11; completionTokens = 4 }, @{ tokens = @('Hoo', ' hoo.'); firstTokenDelayMs = 20 }, @{ status = 500 }
        $script:owls = Invoke-LlmChat 'Tell me about owls' -Client $client -Tag birds -Metadata @{ user = 'ada' }
        $null = Invoke-LlmChat 'What noise does an owl make?' -Client $client -Stream
        Invoke-LlmChat 'doomed' -Client $client -ErrorAction SilentlyContinue
    }

    It 'creates the database with its folder and registers one session-wide handler' {
        Test-Path $db | Should -BeTrue
        $status = Enable-LlmLog -Path $db -PassThru   # again: nothing changes
        $status | Should -BeOfType PsLlm.LlmLogStatus
        $status.Enabled | Should -BeTrue
        $status.Path | Should -Be (Resolve-Path $db).Path
        $status.SchemaVersion | Should -BeGreaterOrEqual 2
        @(Get-LlmCallback -Name LlmLog).Count | Should -Be 1
        (Get-LlmCallback -Name LlmLog).Scope | Should -Be 'Session'
    }

    It 'logs every chat: model calls by default, oldest first' {
        $log = Get-LlmLog -Last 3
        $log | Should -HaveCount 3
        $log[0] | Should -BeOfType PsLlm.LlmLogEntry
        $log.Kind | Should -Be @('Llm', 'Llm', 'Llm')
        $log.Prompt | Should -Be @('Tell me about owls', 'What noise does an owl make?', 'doomed')
        $log.Status | Should -Be @('Ok', 'Ok', 'Error')
        $log[0].Response | Should -Be 'Owls are nocturnal hunters.'
        $log[0].Usage.InputTokens | Should -Be 11
        $log[0].Tags | Should -Be @('birds')
        $log[0].Metadata['user'] | Should -Be 'ada'
        $log[0].EndpointHost | Should -Be ([uri]$Endpoint).Authority
        $log[0].RunId | Should -Be $owls.RunId
        $log[1].Response | Should -Be 'Hoo hoo.'
        $log[1].TimeToFirstToken | Should -Not -BeNullOrEmpty
        $log[2].ErrorId | Should -Be 'LlmServerError'
        $log[2].StatusCode | Should -Be 500
    }

    It '-Search is full-text over prompts and responses' {
        (Get-LlmLog -Search nocturnal).Prompt | Should -Be 'Tell me about owls'
        (Get-LlmLog -Search 'owl*').Prompt | Should -Be @('Tell me about owls', 'What noise does an owl make?')
        (Get-LlmLog 'hoo').Prompt | Should -Be 'What noise does an owl make?'
        Get-LlmLog -Search 'zebra' | Should -BeNullOrEmpty
        Get-LlmLog -Search 'owls AND (' | Should -BeNullOrEmpty   # query syntax is just text
    }

    It 'filters by tag, model, time, run id, kind and errors' {
        (Get-LlmLog -Tag birds).Prompt | Should -Be 'Tell me about owls'
        Get-LlmLog -Model 'fake-*' | Should -HaveCount 3
        Get-LlmLog -Model 'gpt-*' | Should -BeNullOrEmpty
        Get-LlmLog -Since (Get-Date).AddMinutes(-10) | Should -HaveCount 3
        Get-LlmLog -Until (Get-Date).AddMinutes(-10) | Should -BeNullOrEmpty
        (Get-LlmLog -RunId $owls.ChainRunId).Kind | Should -Be 'Chain'
        (Get-LlmLog -Kind Chain).Name | Should -Be @('Invoke-LlmChat', 'Invoke-LlmChat', 'Invoke-LlmChat')
        Get-LlmLog -Kind All -Last 0 | Should -HaveCount 6
        (Get-LlmLog -Errors).Kind | Sort-Object | Should -Be @('Chain', 'Llm')
        (Get-LlmLog -Last 1).Prompt | Should -Be 'doomed'
    }

    It '-Run returns the whole run tree, also for a piped ChatResponse' {
        $tree = Get-LlmLog -Run $owls.RunId
        $tree.Kind | Should -Be @('Chain', 'Llm')
        $tree.Depth | Should -Be @(0, 1)
        $tree[1].ParentRunId | Should -Be $tree[0].RunId
        ($owls | Get-LlmLog).RunId | Should -Be $tree.RunId
        Get-LlmLog -Run ([guid]::NewGuid()) -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'LlmLogRunNotFound,PsLlm.Commands.GetLlmLogCommand'
    }

    It 'Get-LlmUsage totals tokens; a model without a price has tokens but no cost' {
        $usage = Get-LlmUsage
        $usage | Should -BeOfType PsLlm.LlmUsageSummary
        $usage.Model | Should -Be 'fake-model'
        $usage.Runs | Should -Be 3
        $usage.InputTokens | Should -Be ((Get-LlmLog).Usage | Measure-Object InputTokens -Sum).Sum
        $usage.Cost | Should -BeNullOrEmpty
        $usage.RunsWithoutCost | Should -Be 3
    }

    It 'Set-LlmPrice prices a model (wildcards allowed) for Get-LlmUsage and Get-LlmLog' {
        $price = Set-LlmPrice -Model 'fake-*' -InputPerMillion 1000 -OutputPerMillion 2000 -CachedInputPerMillion 500
        $price | Should -BeOfType PsLlm.LlmPrice
        $price.Source | Should -Be 'User'
        $calls = Get-LlmLog
        $expected = [decimal]0
        foreach ($call in $calls | Where-Object Usage) { $expected += ($call.Usage.InputTokens * 1000 + $call.Usage.OutputTokens * 2000) / [decimal]1e6 }
        $usage = Get-LlmUsage
        $usage.Cost | Should -Be $expected
        $usage.RunsWithoutCost | Should -Be 1   # the failed call reported no usage
        $calls[0].Cost | Should -Be ((11 * 1000 + 4 * 2000) / [decimal]1e6)
        $calls[2].Cost | Should -BeNullOrEmpty
    }

    It 'Set-LlmPrice -WhatIf stores nothing' {
        $null = Set-LlmPrice -Model 'fake-*' -InputPerMillion 0 -OutputPerMillion 0 -WhatIf
        (Get-LlmUsage).Cost | Should -BeGreaterThan 0
    }

    It 'groups usage by tag and by day' {
        $byTag = Get-LlmUsage -GroupBy Tag
        ($byTag | Where-Object Tag -EQ 'birds').Runs | Should -Be 1
        ($byTag | Where-Object { $null -eq $_.Tag }).Runs | Should -Be 2
        $byDay = Get-LlmUsage -GroupBy Day, Model -Since (Get-Date).Date.AddDays(-1)
        $byDay.Day | Should -Be @((Get-Date).Date)
        $byDay.Model | Should -Be 'fake-model'
        Get-LlmUsage -Until (Get-Date).AddDays(-1) | Should -BeNullOrEmpty
    }

    It 'shows entries and usage as tables' {
        $text = Get-LlmLog -Kind All -Last 2 | Out-String -Width 200
        $text | Should -Match 'Prompt → Response'
        $text | Should -Match 'doomed → \[The server'
        (Get-LlmUsage | Out-String -Width 200) | Should -Match 'fake-model'
    }
}

Describe 'One registration logs sessions, tool loops and chains' {
    BeforeAll {
        Reset-FakeServer
        Enable-LlmLog -Path $db
    }

    It 'logs the turns of a chat session' -Skip:('New-LlmChatSession' -notin $builtCmdlets) {
        $session = New-LlmChatSession -System 'Be terse.' -Client $client
        Add-FakeReply @{ text = 'Hello Ada.' }, @{ text = 'Your name is Ada.' }
        $null = Invoke-LlmChat 'My name is Ada.' -Session $session
        $second = Invoke-LlmChat 'What is my name?' -Session $session
        $entry = Get-LlmLog -RunId $second.RunId
        $entry.Response | Should -Be 'Your name is Ada.'
        $entry.Messages.Role | Should -Be @('system', 'user', 'assistant', 'user')
        $entry.Messages[1].Content | Should -Be 'My name is Ada.'
    }

    It 'logs a tool loop: each model call and each tool run under the chat' -Skip:('New-LlmTool' -notin $builtCmdlets) {
        $add = New-LlmTool -Name add -Description 'Adds two numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'add'; arguments = '{"a":2,"b":3}' }); promptTokens = 30; completionTokens = 5 }, @{ text = 'It is 5.'; promptTokens = 40; completionTokens = 3 }
        $response = Invoke-LlmChat 'What is 2+3?' -Tool $add -Client $client
        $tree = Get-LlmLog -Run $response.ChainRunId
        $tree.Kind | Should -Be @('Chain', 'Llm', 'Tool', 'Llm')
        $tree[1].ToolCalls.Name | Should -Be 'add'
        $tree[2].Name | Should -Be 'add'
        $tree[2].Prompt | Should -Be '{"a":2,"b":3}'
        $tree[2].Response | Should -Be '5'
        $tree[3].Response | Should -Be 'It is 5.'
        $tree[0].ToolResults.Output | Should -Be '5'
        # Each call's own tokens, so the totals count them once.
        $tree[1].Usage.InputTokens + $tree[3].Usage.InputTokens | Should -Be $tree[0].Usage.InputTokens
        $tree[3].Usage.InputTokens | Should -Be 40
    }

    It 'logs a chain with the chats inside it as its children' {
        Add-FakeReply @{ text = 'Owls hoot.' }, @{ text = 'Short: hoot.' }
        $null = Invoke-LlmChain -Name summarize -Tag pipeline -ScriptBlock {
            $facts = Invoke-LlmChat 'List owl facts.' -Client $client
            Invoke-LlmChat "Summarize: $($facts.Text)" -Client $client
        }
        $root = Get-LlmLog -Kind Chain -Tag pipeline -Last 0 | Where-Object Name -EQ summarize
        $tree = Get-LlmLog -Run $root.RunId
        $tree.Name | Should -Be @('summarize', 'Invoke-LlmChat', 'fake-model', 'Invoke-LlmChat', 'fake-model')
        $tree.Depth | Should -Be @(0, 1, 2, 1, 2)
        $tree[0].Response | Should -Be 'Short: hoot.'
        $tree | ForEach-Object { $_.Tags | Should -Contain 'pipeline' }
    }
}

Describe 'Two processes logging to one database' {
    It 'loses no run while a second pwsh process logs chats at the same time' {
        Reset-FakeServer   # unscripted requests are echoed
        Enable-LlmLog -Path $db
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $Endpoint, $Db)
            Import-Module $ModulePath
            Enable-LlmLog -Path $Db
            $c = New-LlmClient -Endpoint $Endpoint -Model fake-model -MaxRetries 0
            1..25 | ForEach-Object { $null = Invoke-LlmChat "from the job $_" -Client $c }
            Disable-LlmLog -PassThru
        } -ArgumentList $ModulePath, $Endpoint, $db
        1..25 | ForEach-Object { $null = Invoke-LlmChat "from the test $_" -Client $client }
        $status = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job -Force
        $status.Written | Should -Be 50
        $status.Dropped + $status.Failed | Should -Be 0
        Get-LlmLog -Search 'job' -Last 0 | Should -HaveCount 25
        Get-LlmLog -Search 'test' -Last 0 | Should -HaveCount 25
        Get-LlmLog -Search 'job' -Kind Chain -Last 0 | Should -HaveCount 25
    }
}

Describe 'Disable-LlmLog and defaults' {
    It 'stops logging quietly when nothing was lost, and the rows stay readable' {
        Enable-LlmLog -Path $db
        $before = @(Get-LlmLog -Kind All -Last 0).Count
        $status = Disable-LlmLog -PassThru -WarningVariable warned
        $warned | Should -BeNullOrEmpty
        $status.Enabled | Should -BeFalse
        $status.Dropped | Should -Be 0
        Get-LlmCallback | Where-Object Name -EQ LlmLog | Should -BeNullOrEmpty
        $null = Invoke-LlmChat 'not logged' -Client $client
        @(Get-LlmLog -Path $db -Kind All -Last 0).Count | Should -Be $before
        Get-LlmLog -Path $db -Search 'logged' | Should -BeNullOrEmpty
        Disable-LlmLog   # already off: nothing to do
    }

    It 'says so when there is no database to read' {
        Get-LlmLog -Path (Join-Path $folder 'missing.db') -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmLogNotFound,PsLlm.Commands.GetLlmLogCommand'
        Test-Path (Join-Path $folder 'missing.db') | Should -BeFalse
    }

    It 'logs to $env:PSLLM_LOG_PATH when no -Path is given' {
        $env:PSLLM_LOG_PATH = Join-Path $folder 'env/fromenv.db'
        try {
            (Enable-LlmLog -PassThru).Path | Should -Be $env:PSLLM_LOG_PATH
            $null = Invoke-LlmChat 'to the env log' -Client $client
            (Get-LlmLog -Search 'env').Prompt | Should -Be 'to the env log'
            Disable-LlmLog
            (Get-LlmLog -Search 'env').Prompt | Should -Be 'to the env log'   # the default location, even when disabled
        }
        finally { $env:PSLLM_LOG_PATH = $savedLogPath }
    }

    It 'rejects a path that cannot hold a database' {
        { Enable-LlmLog -Path $folder } | Should -Throw -ErrorId 'LlmLogUnavailable,PsLlm.Commands.EnableLlmLogCommand'
        Get-LlmCallback | Where-Object Name -EQ LlmLog | Should -BeNullOrEmpty
    }
}
