BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient

    # The messages of a recorded request, as (role, content) pairs.
    function Get-SentMessages([int] $Index) {
        ((Get-FakeRequest)[$Index].body | ConvertFrom-Json).messages
    }

}

Describe 'New-LlmChatSession' {
    It 'creates a session with its settings and no history' {
        $s = New-LlmChatSession 'You are terse.' -Client $client -Model m1 -MaxHistory 6 -MaxTokens 500
        $s | Should -BeOfType PsLlm.ChatSession
        $s.System | Should -Be 'You are terse.'
        $s.Model | Should -Be 'm1'
        $s.MaxHistory | Should -Be 6
        $s.MaxTokens | Should -Be 500
        [object]::ReferenceEquals($s.Client, $client) | Should -BeTrue
        $s.TurnCount | Should -Be 0
        $s.Messages | Should -BeNullOrEmpty
        $s.Id | Should -Not -Be ([guid]::Empty)
    }

    It 'leaves unset limits empty' {
        $s = New-LlmChatSession
        $s.MaxHistory | Should -BeNullOrEmpty
        $s.MaxTokens | Should -BeNullOrEmpty
        $s.Client | Should -BeNullOrEmpty
    }

    It 'rejects -<Name> 0' -ForEach @(@{ Name = 'MaxHistory' }, @{ Name = 'MaxTokens' }) {
        $arguments = @{ $Name = 0 }
        { New-LlmChatSession @arguments } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PsLlm.Commands.NewLlmChatSessionCommand'
    }

    It 'shows as a table row: short id, turns, model, system, time' {
        $s = New-LlmChatSession -System ('A long system message ' * 5) -Model m1
        $text = $s | Out-String -Width 120
        $text | Should -Match 'Id\s+TurnCount\s+Model\s+System\s+UpdatedAt'
        $text | Should -Match ([regex]::Escape($s.Id.ToString().Substring(0, 8)))
        $text | Should -Match 'A long system message A lo…'
        $text | Should -Not -Match ('A long system message ' * 2)
    }
}

Describe 'Invoke-LlmChat -Session' {
    BeforeEach { Reset-FakeServer; Get-EventSubscriber | Unregister-Event; Get-Event | Remove-Event }
    AfterEach { Get-EventSubscriber | Unregister-Event; Get-Event | Remove-Event }

    It 'sends the system message and the history, and appends each turn' {
        Add-FakeReply @{ text = 'Paris.' }, @{ text = 'About 2 million.' }
        $s = New-LlmChatSession -System 'Be brief.' -Client $client
        $r1 = Invoke-LlmChat 'Capital of France?' -Session $s
        $r2 = Invoke-LlmChat 'Population?' -Session $s
        $r2.Text | Should -Be 'About 2 million.'
        [object]::ReferenceEquals($r1.Session, $s) | Should -BeTrue
        $s.TurnCount | Should -Be 2
        $s.Messages.Role | Should -Be @('user', 'assistant', 'user', 'assistant')
        $s.Messages.Content | Should -Be @('Capital of France?', 'Paris.', 'Population?', 'About 2 million.')

        $first = Get-SentMessages 0
        $first.role | Should -Be @('system', 'user')
        $second = Get-SentMessages 1
        $second.role | Should -Be @('system', 'user', 'assistant', 'user')
        $second.content | Should -Be @('Be brief.', 'Capital of France?', 'Paris.', 'Population?')
    }

    It 'streams with a session and keeps the streamed answer in the history' {
        Add-FakeReply @{ tokens = @('Hel', 'lo') }, @{ tokens = @('Again') }
        $s = New-LlmChatSession -Client $client
        $tokens = Invoke-LlmChat 'one' -Session $s -Stream
        -join $tokens | Should -Be 'Hello'
        $out = Invoke-LlmChat 'two' -Session $s -Stream -PassThru
        $out[-1].Text | Should -Be 'Again'
        $s.Messages.Content | Should -Be @('one', 'Hello', 'two', 'Again')
        (Get-SentMessages 1).content | Should -Be @('one', 'Hello', 'two')
        ((Get-FakeRequest)[1].body | ConvertFrom-Json).stream | Should -BeTrue
    }

    It 'a failed turn warns and leaves the history unchanged' {
        Add-FakeReply @{ text = 'first answer' }, @{ status = 500; errorMessage = 'boom' }, @{ text = 'third answer' }
        $s = New-LlmChatSession -Client $client
        $null = Invoke-LlmChat 'first' -Session $s
        $result = Invoke-LlmChat 'failing' -Session $s -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable warn -WarningAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmServerError,PsLlm.Commands.InvokeLlmChatCommand'
        "$warn" | Should -Match "history is unchanged"
        $s.TurnCount | Should -Be 1
        $s.Messages.Content | Should -Be @('first', 'first answer')

        $null = Invoke-LlmChat 'third' -Session $s
        (Get-SentMessages 2).content | Should -Be @('first', 'first answer', 'third')
    }

    It 'a failed streamed turn leaves the history unchanged too' {
        Add-FakeReply @{ tokens = @('partial ', 'answer ', 'lost'); disconnectAfterTokens = 2 }
        $s = New-LlmChatSession -Client $client
        $null = Invoke-LlmChat 'x' -Session $s -Stream -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $s.TurnCount | Should -Be 0
        $s.Messages | Should -BeNullOrEmpty
    }

    It '-MaxHistory sends only the newest whole turns; the session keeps them all' {
        Add-FakeReply @{ text = 'a1' }, @{ text = 'a2' }, @{ text = 'a3' }, @{ text = 'a4' }
        $s = New-LlmChatSession -System 'sys' -Client $client -MaxHistory 2
        'u1', 'u2', 'u3', 'u4' | ForEach-Object { $null = Invoke-LlmChat $_ -Session $s }
        $s.Messages | Should -HaveCount 8
        (Get-SentMessages 3).content | Should -Be @('sys', 'u3', 'a3', 'u4')
    }

    It '-MaxTokens trims by the estimated size of the history' {
        Add-FakeReply @{ text = 'x' * 40 }, @{ text = 'y' * 40 }, @{ text = 'z' }
        # A turn: 'u?' (1 + 4) and a 40-character answer (10 + 4) = 19 tokens; 30 keeps one turn.
        $s = New-LlmChatSession -Client $client -MaxTokens 30
        'u1', 'u2', 'u3' | ForEach-Object { $null = Invoke-LlmChat $_ -Session $s }
        (Get-SentMessages 2).content | Should -Be @('u2', ('y' * 40), 'u3')
    }

    It 'piping a ChatResponse back continues its session' {
        Add-FakeReply @{ text = 'first answer' }, @{ text = 'second answer' }, @{ text = 'third answer' }
        $s = New-LlmChatSession -Client $client
        $r = Invoke-LlmChat 'first' -Session $s
        $r2 = $r | Invoke-LlmChat 'next'
        $r3 = $r2 | Invoke-LlmChat 'and then'
        $r3.Text | Should -Be 'third answer'
        [object]::ReferenceEquals($r3.Session, $s) | Should -BeTrue
        $s.TurnCount | Should -Be 3
        (Get-SentMessages 2).content | Should -Be @('first', 'first answer', 'next', 'second answer', 'and then')
    }

    It 'raises the .NET events on the session for Register-ObjectEvent' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $s = New-LlmChatSession -Client $client
        $null = Register-ObjectEvent -InputObject $s -EventName LlmEnd -MessageData $seen -Action { $Event.MessageData.Add($EventArgs.Response.Text) }
        $null = Register-ObjectEvent -InputObject $s -EventName LlmNewToken -MessageData $seen -Action { $Event.MessageData.Add("token:$($EventArgs.Token)") }
        Add-FakeReply @{ tokens = @('a', 'b') }, @{ text = 'plain' }
        $null = Invoke-LlmChat 'one' -Session $s -Stream
        $null = Invoke-LlmChat 'two' -Session $s
        $deadline = [datetime]::UtcNow.AddSeconds(5)
        while ($seen.Count -lt 4 -and [datetime]::UtcNow -lt $deadline) { Wait-Event -Timeout 0.1 | Out-Null }
        $seen | Sort-Object | Should -Be @('ab', 'plain', 'token:a', 'token:b')
    }

    It 'a chat without the session raises nothing on it' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $s = New-LlmChatSession -Client $client
        $null = Register-ObjectEvent -InputObject $s -EventName LlmEnd -MessageData $seen -Action { $Event.MessageData.Add($EventArgs) }
        Add-FakeReply @{ text = 'elsewhere' }
        $null = Invoke-LlmChat 'x' -Client $client
        Wait-Event -Timeout 0.5 | Out-Null
        $seen | Should -BeNullOrEmpty
    }
}

Describe 'Export-LlmChatSession and Import-LlmChatSession' {
    BeforeEach { Reset-FakeServer }

    BeforeAll {
        # A session with a keyed client and two turns.
        function New-TalkedSession {
            Add-FakeReply @{ text = 'answer one' }, @{ text = 'answer two' }
            $s = New-LlmChatSession -System 'Be brief.' -Client $client -Model m7 -MaxHistory 10 -MaxTokens 900
            $null = Invoke-LlmChat 'question one' -Session $s
            $null = Invoke-LlmChat 'question two' -Session $s
            Reset-FakeServer
            $s
        }
    }

    It 'round-trips history, settings, id and times; re-export is byte-identical' {
        $s = New-TalkedSession
        $path = Join-Path $TestDrive 'chat.json'
        Export-LlmChatSession -Session $s -Path $path
        $back = Import-LlmChatSession $path -Client $client
        $back | Should -BeOfType PsLlm.ChatSession
        $back.Id | Should -Be $s.Id
        $back.CreatedAt | Should -Be $s.CreatedAt
        $back.UpdatedAt | Should -Be $s.UpdatedAt
        $back.System | Should -Be 'Be brief.'
        $back.Model | Should -Be 'm7'
        $back.MaxHistory | Should -Be 10
        $back.MaxTokens | Should -Be 900
        $back.TurnCount | Should -Be 2
        $back.Messages.Role | Should -Be $s.Messages.Role
        $back.Messages.Content | Should -Be $s.Messages.Content
        [object]::ReferenceEquals($back.Client, $client) | Should -BeTrue

        $again = Join-Path $TestDrive 'again.json'
        $back | Export-LlmChatSession $again
        (Get-FileHash $again).Hash | Should -Be (Get-FileHash $path).Hash
    }

    It 'the file is the documented JSON and never holds the key or the endpoint' {
        $s = New-TalkedSession
        $path = Join-Path $TestDrive 'secret.json'
        $s | Export-LlmChatSession $path
        $text = Get-Content $path -Raw
        $text | Should -Not -Match ([regex]::Escape($TestKey))
        $text | Should -Not -Match 'SECRET'
        $text | Should -Not -Match ([regex]::Escape(([uri]$Endpoint).Authority))
        $json = $text | ConvertFrom-Json
        $json.format | Should -Be 'psllm.chat-session'
        $json.version | Should -Be 1
        $json.messages.role | Should -Be @('user', 'assistant', 'user', 'assistant')
    }

    It 'an imported session continues the conversation' {
        $path = Join-Path $TestDrive 'continue.json'
        New-TalkedSession | Export-LlmChatSession $path
        Add-FakeReply @{ text = 'answer three' }
        $back = Import-LlmChatSession $path -Client $client
        $null = Invoke-LlmChat 'question three' -Session $back
        (Get-SentMessages 0).content | Should -Be @('Be brief.', 'question one', 'answer one', 'question two', 'answer two', 'question three')
        ((Get-FakeRequest)[0].body | ConvertFrom-Json).model | Should -Be 'm7'
    }

    It 'resolves relative paths against the current location and binds Get-ChildItem output' {
        $s = New-TalkedSession
        Push-Location $TestDrive
        try {
            $s | Export-LlmChatSession 'relative.json'
            Test-Path (Join-Path $TestDrive 'relative.json') | Should -BeTrue
            (Import-LlmChatSession './relative.json').Id | Should -Be $s.Id
        }
        finally { Pop-Location }
        (Get-ChildItem (Join-Path $TestDrive 'relative.json') | Import-LlmChatSession).Id | Should -Be $s.Id
    }

    It '-PassThru writes the session; -WhatIf writes nothing' {
        $s = New-LlmChatSession
        $path = Join-Path $TestDrive 'whatif.json'
        $s | Export-LlmChatSession $path -WhatIf | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
        [object]::ReferenceEquals(($s | Export-LlmChatSession $path -PassThru), $s) | Should -BeTrue
        Test-Path $path | Should -BeTrue
    }

    It '-NoClobber keeps an existing file (LlmSessionFileExists, ResourceExists)' {
        $path = Join-Path $TestDrive 'existing.json'
        Set-Content $path 'keep me'
        New-LlmChatSession | Export-LlmChatSession $path -NoClobber -PassThru -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmSessionFileExists,PsLlm.Commands.ExportLlmChatSessionCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content $path | Should -Be 'keep me'
    }

    It 'a folder that does not exist is a write error and leaves nothing behind' {
        $path = Join-Path $TestDrive 'missing/chat.json'
        New-LlmChatSession | Export-LlmChatSession $path -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmSessionFileWriteFailed,PsLlm.Commands.ExportLlmChatSessionCommand'
        $err[0].CategoryInfo.Category | Should -Be 'WriteError'
        Test-Path (Join-Path $TestDrive 'missing') | Should -BeFalse
    }

    It 'rejects <Name> with <ErrorId> (InvalidData) and returns nothing' -ForEach @(
        @{ Name = 'invalid JSON'; Content = '{ "format": "psllm.chat-session", '; ErrorId = 'LlmSessionFileInvalid'; Message = 'not valid JSON' }
        @{ Name = 'another format'; Content = '{ "format": "something-else", "version": 1 }'; ErrorId = 'LlmSessionFileInvalid'; Message = '"format" is "something-else"' }
        @{ Name = 'a file without messages'; Content = '{ "format": "psllm.chat-session", "version": 1, "id": "5b7d2f8e-3c41-4a6e-9f0d-6e2b1c9a7d41", "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-01T00:00:00Z" }'; ErrorId = 'LlmSessionFileInvalid'; Message = '"messages" is missing' }
        @{ Name = 'version 2'; Content = '{ "format": "psllm.chat-session", "version": 2, "turns": [] }'; ErrorId = 'LlmSessionFileTooNew'; Message = 'version 2.*reads version 1' }
    ) {
        $path = Join-Path $TestDrive 'bad.json'
        Set-Content $path $Content
        $result = Import-LlmChatSession $path -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PsLlm.Commands.ImportLlmChatSessionCommand"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].Exception | Should -BeOfType PsLlm.LlmException
        $err[0].Exception.Message | Should -Match $Message
        $err[0].Exception.Message | Should -Match ([regex]::Escape($path))
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'a missing file is LlmSessionFileNotFound (ObjectNotFound); the other files still import' {
        $good = Join-Path $TestDrive 'good.json'
        New-LlmChatSession | Export-LlmChatSession $good
        $result = (Join-Path $TestDrive 'nope.json'), $good | Import-LlmChatSession -ErrorVariable err -ErrorAction SilentlyContinue
        @($result) | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmSessionFileNotFound,PsLlm.Commands.ImportLlmChatSessionCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Start-LlmChat' {
    BeforeEach { Reset-FakeServer }

    It 'holds a three-turn conversation from redirected input, streaming answers to the host' {
        Add-FakeReply @{ tokens = @('Answer', ' one') }, @{ tokens = @('Answer', ' two') }, @{ tokens = @('Answer', ' three') }
        $run = Invoke-ChatChild -Lines 'first question', 'second question', 'third question', 'q' `
            -Before "Register-LlmCallback -EventName ChainEnd -Action { Write-Host ""[ChainEnd `$(`$_.Outputs.Text)]"" } | Out-Null"
        $run.ExitCode | Should -Be 0
        $run.Err | Should -BeNullOrEmpty
        $run.Out | Should -Match 'You: first question\r?\nAI: Answer one\r?\n'
        $run.Out | Should -Match 'AI: Answer two'
        $run.Out | Should -Match 'AI: Answer three'
        # Every turn went through the usual events.
        ([regex]::Matches($run.Out, '\[ChainEnd Answer')).Count | Should -Be 3

        # Only the session reached the pipeline: no tokens.
        $run.Objects | Should -HaveCount 1
        $session = $run.Objects[0]
        $session.TurnCount | Should -Be 3
        $session.Messages.Content | Should -Be @('first question', 'Answer one', 'second question', 'Answer two', 'third question', 'Answer three')

        $requests = Get-FakeRequest
        $requests | Should -HaveCount 3
        ($requests[2].body | ConvertFrom-Json).messages.content | Should -Be @('first question', 'Answer one', 'second question', 'Answer two', 'third question')
        ($requests[2].body | ConvertFrom-Json).stream | Should -BeTrue
    }

    It 'the end of input ends the chat without q' {
        Add-FakeReply @{ text = 'only answer' }
        $run = Invoke-ChatChild -Lines 'only question'
        $run.ExitCode | Should -Be 0
        $run.Objects[0].TurnCount | Should -Be 1
    }

    It 'slash commands: /history, /system, /save, /clear, /help and unknown ones' {
        Add-FakeReply @{ text = 'Ahoy.' }, @{ text = 'Arr, again.' }, @{ text = 'Fresh start.' }
        $saved = Join-Path $TestDrive 'saved chat.json'
        $run = Invoke-ChatChild -Lines @(
            'hello'
            '/history'
            '/system Speak like a pirate.'
            'again'
            "/save `"$saved`""
            '/clear'
            '/history'
            'after clear'
            '/help'
            '/frobnicate'
            'exit'
        )
        $run.ExitCode | Should -Be 0
        $run.Out | Should -Match 'History \(1 turns\):\r?\n  You: hello\r?\n  AI: Ahoy\.'
        $run.Out | Should -Match 'System message set\.'
        $run.Out | Should -Match 'History: none yet\.'
        $run.Out | Should -Match '/save <path>'
        $run.Out | Should -Match "Unknown command '/frobnicate'"

        $requests = Get-FakeRequest
        ($requests[1].body | ConvertFrom-Json).messages.content | Should -Be @('Speak like a pirate.', 'hello', 'Ahoy.', 'again')
        # After /clear only the system message and the new prompt go out.
        ($requests[2].body | ConvertFrom-Json).messages.content | Should -Be @('Speak like a pirate.', 'after clear')

        $file = Import-LlmChatSession $saved
        $file.TurnCount | Should -Be 2
        $file.System | Should -Be 'Speak like a pirate.'
        $run.Objects[0].TurnCount | Should -Be 1
    }

    It 'a failed turn prints the error and the chat goes on' {
        Add-FakeReply @{ status = 500; errorMessage = 'server down' }, @{ text = 'back again' }
        $run = Invoke-ChatChild -Lines 'will fail', 'will work', 'quit'
        # pwsh -Command exits with 1 because the pipeline wrote an error; the chat itself went on.
        $run.ExitCode | Should -Be 1
        $run.Err | Should -Match 'server down'
        $run.Out | Should -Match "history is unchanged"
        $run.Out | Should -Match 'AI: back again'
        $session = $run.Objects[0]
        $session.TurnCount | Should -Be 1
        $session.Messages.Content | Should -Be @('will work', 'back again')
    }

    It 'continues a given session and -System replaces its system message' {
        $path = Join-Path $TestDrive 'given.json'
        Add-FakeReply @{ text = 'earlier answer' }
        $s = New-LlmChatSession -System 'old' -Client $client
        $null = Invoke-LlmChat 'earlier' -Session $s
        $s | Export-LlmChatSession $path
        Reset-FakeServer
        Add-FakeReply @{ text = 'later answer' }
        $run = Invoke-ChatChild -Lines 'later' -Arguments "-Session (Import-LlmChatSession '$path') -System 'new'"
        $run.ExitCode | Should -Be 0
        ((Get-FakeRequest)[0].body | ConvertFrom-Json).messages.content | Should -Be @('new', 'earlier', 'earlier answer', 'later')
        $run.Objects[0].TurnCount | Should -Be 2
    }
}
