# New-LlmFakeClient and New-LlmClient -RecordPath as a user's tests use them, and the README's
# "Testing your scripts" example run as written, in a pwsh of its own.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
}

Describe 'New-LlmFakeClient' {
    It 'gives its answers in turn and keeps the requests' {
        $fake = New-LlmFakeClient -Response 'one', 'two'
        $fake | Should -BeOfType PsLlm.LlmFakeClient
        $fake.AnswersLeft | Should -Be 2
        (Invoke-LlmChat 'first' -Client $fake -System 'Be brief.').Text | Should -Be 'one'
        (Invoke-LlmChat 'second' -Client $fake -Model other).Text | Should -Be 'two'
        $fake.Requests.Prompt | Should -Be @('first', 'second')
        $fake.Requests[0].System | Should -Be 'Be brief.'
        $fake.Requests.Model | Should -Be @('fake-model', 'other')
        ($fake.Requests[1].Body | ConvertFrom-Json).messages[-1].content | Should -Be 'second'
        $fake.AnswersLeft | Should -Be 0
    }

    It 'streams the tokens given, reports usage, and runs a tool loop' {
        $fake = New-LlmFakeClient -Response @(
            @{ ToolCalls = @{ Name = 'add'; Arguments = @{ a = 2; b = 3 } } }
            @{ Tokens = 'The sum', ' is 5.'; Usage = @{ InputTokens = 12; OutputTokens = 4 } }
        )
        $add = New-LlmTool -Name add -Description 'Adds numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        $out = Invoke-LlmChat 'What is 2 + 3?' -Client $fake -Tool $add -Stream -PassThru
        ($out | Where-Object { $_ -is [PsLlm.ChatToken] }).Text | Should -Be @('The sum', ' is 5.')
        $response = $out[-1]
        $response.ToolCalls[0].Output | Should -Be '5'
        $response.Rounds | Should -Be 2
        $fake.Requests | Should -HaveCount 2
    }

    It 'fails a chat as a server error would, with the same error id' {
        $fake = New-LlmFakeClient -Response @{ Status = 429; Error = 'Rate limit reached' }, @{ Error = 'boom' }
        Invoke-LlmChat 'a' -Client $fake -ErrorAction SilentlyContinue -ErrorVariable first
        Invoke-LlmChat 'b' -Client $fake -ErrorAction SilentlyContinue -ErrorVariable second
        $first[0].FullyQualifiedErrorId | Should -BeLike 'LlmRateLimited,*'
        $first[0].Exception.Message | Should -Match 'Rate limit reached'
        $second[0].FullyQualifiedErrorId | Should -BeLike 'LlmServerError,*'
    }

    It 'raises the events of a real chat, to callbacks and Register-ObjectEvent' {
        $fake = New-LlmFakeClient -Response @{ Tokens = 'a', 'b', 'c' }
        $events = Invoke-LlmChat 'x' -Client $fake -AsEvents
        $events.EventName | Should -Be @('ChainStart', 'Text', 'ChatModelStart', 'LlmNewToken', 'LlmNewToken', 'LlmNewToken', 'LlmEnd', 'ChainEnd')
    }

    It 'says when it has no answer left' {
        $fake = New-LlmFakeClient -Response 'only'
        $null = Invoke-LlmChat 'a' -Client $fake
        Invoke-LlmChat 'b' -Client $fake -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmFakeClientExhausted,*'
        $failed[0].Exception.Message | Should -Match 'no answer left for request 2'
    }

    It 'refuses an answer it cannot understand before anything runs: <Case>' -ForEach @(
        @{ Case = 'an unknown key'; Response = @{ Txt = 'x' }; Message = "the key 'Txt'" }
        @{ Case = 'a status that is no error'; Response = @{ Status = 200 }; Message = 'Status 200' }
        @{ Case = 'a tool call without a name'; Response = @{ ToolCalls = @{ Arguments = '{}' } }; Message = 'tool call' }
        @{ Case = 'a number'; Response = 42; Message = 'Int32' }
    ) {
        { New-LlmFakeClient -Response $Response } | Should -Throw -ErrorId 'LlmFakeAnswerInvalid,PsLlm.Commands.NewLlmFakeClientCommand'
        try { New-LlmFakeClient -Response $Response } catch { $_.Exception.Message | Should -Match ([regex]::Escape($Message)) }
    }

    It '-Default makes it the client of chats without -Client' {
        # In a runspace of its own: the default client belongs to the session.
        $ps = [powershell]::Create()
        try {
            $text = $ps.AddScript({ param($m) Import-Module $m; $f = New-LlmFakeClient -Response 'from the default' -Default; "$($f.IsDefault)"; (Invoke-LlmChat 'x').Text }).AddArgument($ModulePath).Invoke()
            $text | Should -Be @('True', 'from the default')
        }
        finally { $ps.Dispose() }
    }
}

Describe 'New-LlmClient -RecordPath and New-LlmFakeClient -ReplayPath' {
    BeforeEach { Reset-FakeServer }

    It 'records a real exchange without the key, and replays it' {
        $record = Join-Path $TestDrive 'record.json'
        $key = ConvertTo-SecureString 'sk-pester-SECRET-key' -AsPlainText -Force
        $recording = New-LlmClient -Endpoint $Endpoint -Model fake-model -ApiKey $key -Header @{ 'X-Team' = 'team-SECRET' } -RecordPath $record
        $recording.RecordPath | Should -Be $record
        Add-FakeReply @{ tokens = @('recorded ', 'tokens') }
        $original = Invoke-LlmChat 'stream it' -Client $recording -Stream -PassThru
        (Get-Content $record -Raw) | Should -Not -Match 'SECRET'
        $fake = New-LlmFakeClient -ReplayPath $record
        $replayed = Invoke-LlmChat 'stream it' -Client $fake -Stream -PassThru
        ($replayed | Where-Object { $_ -is [PsLlm.ChatToken] }).Text | Should -Be @('recorded ', 'tokens')
        $replayed[-1].Text | Should -Be $original[-1].Text
    }

    It 'replays the OpenAI SDK''s own session records' {
        $fake = New-LlmFakeClient -ReplayPath (Join-Path $RepoRoot 'tests/recordings/openai-dotnet/ChatTests/HelloWorldChat.json')
        (Invoke-LlmChat 'Hello, world!' -Client $fake).Text | Should -Be 'Hello! How can I assist you today?'
    }

    It 'refuses a recording path it cannot use: <Case>' -ForEach @(
        @{ Case = 'a missing replay file'; Command = { New-LlmFakeClient -ReplayPath (Join-Path $TestDrive 'none.json') }; ErrorId = 'LlmReplayFileInvalid,PsLlm.Commands.NewLlmFakeClientCommand' }
        @{ Case = 'a record file in a missing folder'; Command = { New-LlmClient -Endpoint $Endpoint -RecordPath (Join-Path $TestDrive 'no/such/folder/r.json') }; ErrorId = 'LlmRecordPathInvalid,PsLlm.Commands.NewLlmClientCommand' }
        @{ Case = 'a record path that is a folder'; Command = { New-LlmClient -Endpoint $Endpoint -RecordPath $TestDrive }; ErrorId = 'LlmRecordPathInvalid,PsLlm.Commands.NewLlmClientCommand' }
    ) {
        $Command | Should -Throw -ErrorId $ErrorId
    }
}

Describe 'The README''s "Testing your scripts" example' {
    It 'passes as written, in a pwsh of its own with Pester 5' {
        $readme = Get-Content (Join-Path $RepoRoot 'README.md') -Raw
        $section = $readme -split '(?m)^## ' | Where-Object { $_ -like 'Testing your scripts*' }
        $blocks = [regex]::Matches($section, '(?s)```powershell\r?\n# (?<file>[\w.-]+\.ps1)\r?\n(?<code>.*?)```')
        $blocks.Count | Should -Be 2
        foreach ($block in $blocks) { Set-Content -Path (Join-Path $TestDrive $block.Groups['file'].Value) -Value $block.Groups['code'].Value }

        $pester = Split-Path (Get-Module Pester).Path
        $modules = Split-Path $ModulePath
        $command = "`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath; Import-Module '$pester/Pester.psd1'; " +
            "`$r = Invoke-Pester -Path '$TestDrive/Get-TicketCategory.Tests.ps1' -PassThru -Output None; `"RESULT `$(`$r.PassedCount) `$(`$r.FailedCount)`"; `$r.Failed | ForEach-Object { `$_.ErrorRecord }"
        $output = & $Pwsh -NoProfile -NonInteractive -Command $command 2>&1 | Out-String
        $output | Should -Match 'RESULT 3 0'
    }
}
