BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    function Get-ToolReplies { ((Get-FakeRequest | Select-Object -Last 1).body | ConvertFrom-Json).messages | Where-Object role -EQ 'tool' }
}

Describe 'Invoke-LlmChat -WhatIf' {
    BeforeEach { Reset-FakeServer }

    It 'sends nothing billed, writes nothing, and says what it would send' {
        $session = New-LlmChatSession -Client $client -System 'be brief'
        $shown = & $Pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; `$c = New-LlmClient -Endpoint '$Endpoint' -Model fake-model -MaxRetries 0; Invoke-LlmChat 'hello' -System 'terse' -Client `$c -WhatIf; 'written: ' + @(Invoke-LlmChat 'again' -Client `$c -WhatIf).Count"
        $shown | Should -Contain 'What if: Performing the operation "Send chat (2 messages, model fake-model)" on target "127.0.0.1".'
        $shown | Should -Contain 'written: 0'
        @(Get-FakeRequest) | Should -HaveCount 0
        Invoke-LlmChat 'x' -Session $session -WhatIf | Should -BeNullOrEmpty
        $session.Messages | Should -BeNullOrEmpty
    }
}

Describe 'New-LlmTool -RootPath' {
    BeforeAll {
        $script:root = Join-Path $TestDrive 'allowed'
        $script:outside = Join-Path $TestDrive 'secret'
        $null = New-Item -ItemType Directory $root, $outside
        Set-Content (Join-Path $root 'notes.txt') 'inside'
        Set-Content (Join-Path $outside 'key.txt') 'outside-CANARY'
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'escape') -Target $outside
        $null = New-PSDrive -Name PsLlmOut -PSProvider FileSystem -Root $outside
        $script:read = New-LlmTool -Command Get-Content -Parameter Path -RootPath $root
    }
    AfterAll { Remove-PSDrive PsLlmOut -ErrorAction Ignore }
    BeforeEach { Reset-FakeServer }

    It 'runs the tool for a path inside the folder' {
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'Get-Content'; arguments = (@{ Path = @(Join-Path $root 'notes.txt') } | ConvertTo-Json -Compress) }) }, @{ text = 'done' }
        $r = Invoke-LlmChat 'read it' -Client $client -Tool $read -Confirm:$false
        $r.ToolCalls[0].Succeeded | Should -BeTrue
        (Get-ToolReplies).content | Should -Be 'inside'
    }

    It 'refuses <what> and tells the model why, running nothing' -ForEach @(
        @{ what = 'a path outside'; path = { Join-Path $outside 'key.txt' } }
        @{ what = '..'; path = { Join-Path $root '../secret/key.txt' } }
        @{ what = 'a symbolic link out of the folder'; path = { Join-Path $root 'escape/key.txt' } }
        @{ what = 'a PSDrive onto another folder'; path = { 'PsLlmOut:\key.txt' } }
        @{ what = 'another provider'; path = { 'Env:\PATH' } }
    ) {
        $arguments = @{ Path = @(& $path) } | ConvertTo-Json -Compress
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'Get-Content'; arguments = $arguments }) }, @{ text = 'refused' }
        $events = Invoke-LlmChat 'read it' -Client $client -Tool $read -Confirm:$false -AsEvents
        ($events | Where-Object EventName -EQ ToolError).Error.Message | Should -Match 'may only name paths inside'
        $events.EventName | Should -Not -Contain 'ToolEnd'
        $reply = (Get-ToolReplies).content
        $reply | Should -Match 'may only name paths inside'
        $reply | Should -Not -Match 'CANARY'
    }

    It 'needs an existing folder, and -PathParameter names string parameters of the tool' {
        { New-LlmTool -Command Get-Content -RootPath (Join-Path $TestDrive 'nope') } | Should -Throw -ErrorId 'LlmToolRootPathNotFound,PsLlm.Commands.NewLlmToolCommand'
        { New-LlmTool -Command Get-Content -RootPath $root -PathParameter Nope } | Should -Throw -ErrorId 'LlmToolParameterNotFound,PsLlm.Commands.NewLlmToolCommand'
        { New-LlmTool -Command Get-Content -PathParameter Path } | Should -Throw -ErrorId 'LlmToolPathParameterWithoutRoot,PsLlm.Commands.NewLlmToolCommand'
        $marked = New-LlmTool -Name copyto -Description 'Copies notes.' -RootPath $root -PathParameter Target -ScriptBlock { param([string] $Target) "to $Target" }
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'copyto'; arguments = (@{ Target = (Join-Path $outside 'x') } | ConvertTo-Json -Compress) }) }, @{ text = 'refused' }
        (Invoke-LlmChat 'copy' -Client $client -Tool $marked -AsEvents | Where-Object EventName -EQ ToolError) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Leftover bad inputs are clear errors before anything is sent' {
    BeforeEach { Reset-FakeServer }

    It 'a -JsonSchema that is not JSON is LlmInvalidJsonSchema' {
        $null = Invoke-LlmChat 'x' -Client $client -JsonSchema '{bad' -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmInvalidJsonSchema,PsLlm.Commands.InvokeLlmChatCommand'
        @(Get-FakeRequest) | Should -HaveCount 0
    }

    It 'a $null header value is LlmInvalidHeader' {
        { New-LlmClient -Endpoint $Endpoint -Header @{ 'X-Team' = $null } } | Should -Throw -ErrorId 'LlmInvalidHeader,PsLlm.Commands.NewLlmClientCommand'
    }

    It 'a directory given to Import-LlmChatSession says it is one' {
        { Import-LlmChatSession -Path $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'LlmSessionFileIsDirectory,PsLlm.Commands.ImportLlmChatSessionCommand'
    }

    It 'Get-LlmLog: a search with no word, and -Since after -Until, are errors' {
        $db = Join-Path $TestDrive 'logs.db'
        Enable-LlmLog -Path $db
        try {
            Add-FakeReply @{ text = 'logged' }
            $null = Invoke-LlmChat 'something' -Client $client
            $null = Get-LlmLog -Search '"' -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].FullyQualifiedErrorId | Should -Match '^LlmInvalidSearch,'
            $null = Get-LlmLog -Since (Get-Date) -Until (Get-Date).AddDays(-1) -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].FullyQualifiedErrorId | Should -Match '^LlmInvalidTimeRange,'
            $null = Get-LlmUsage -Since (Get-Date) -Until (Get-Date).AddDays(-1) -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].FullyQualifiedErrorId | Should -Match '^LlmInvalidTimeRange,'
        }
        finally { Disable-LlmLog -WarningAction SilentlyContinue }
    }
}

Describe 'Recording handlers never lose data silently' {
    BeforeEach { Reset-FakeServer }

    It 'a JSONL handler whose writes fail makes each chat end with one warning naming it and the count' {
        $folder = Join-Path $TestDrive 'gone'
        $null = New-Item -ItemType Directory $folder
        $jsonl = New-LlmJsonlHandler -Path (Join-Path $folder 'events.jsonl')
        Remove-Item $folder -Recurse
        Add-FakeReply @{ text = 'one' }, @{ text = 'two' }, @{ text = 'three' }
        $warnings = foreach ($prompt in 'x', 'y', 'z') {
            $null = Invoke-LlmChat $prompt -Client $client -Callback $jsonl -WarningVariable warned -WarningAction SilentlyContinue
            @($warned | Where-Object { $_ -match 'JSONL events\.jsonl lost' }).Count | Should -BeLessOrEqual 1
            $warned
            $null = $jsonl.Flush([timespan]::FromSeconds(5))
        }
        $told = $warnings | Where-Object { $_ -match 'JSONL events\.jsonl lost (\d+) record' } | ForEach-Object { [int]$Matches[1] }
        $told | Should -Not -BeNullOrEmpty
        ($told | Measure-Object -Sum).Sum + $jsonl.TakeUnreportedLosses() | Should -Be $jsonl.Failed   # each loss told once
        $warnings[0] | Should -Match 'No such file or directory|Could not find'
    }
}
