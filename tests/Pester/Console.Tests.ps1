# What PsLlm shows at the console: Start-LlmChat's new commands, host text that transcripts and
# 6>&1 get (Start-LlmChat, New-LlmConsoleHandler), Markdown, and the views of responses and events.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    # A real 1×1 PNG (its first bytes say so, whatever the file is called).
    $script:PngBytes = [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')

    function Get-LastPrompt([int] $Index = -1) { @(Get-FakeRequest)[$Index].body | ConvertFrom-Json }
}

Describe 'Start-LlmChat commands' {
    BeforeEach { Reset-FakeServer }

    It '/model changes the model of the next chats and shows it; /tools lists the tools; /retry asks again' {
        $run = Invoke-ChatChild -Lines @(
            '/model'
            '/model other-model'
            'first'
            '/tools'
            '/retry'
            'q'
        ) -Before '$t = New-LlmTool -Name add -Description ''Adds numbers.'' -ScriptBlock { param([int] $a, [int] $b) $a + $b }' -Arguments '-Tool $t'
        $run.ExitCode | Should -Be 0
        $run.Err | Should -BeNullOrEmpty
        $run.Out | Should -Match 'Model: gpt-4o-mini'
        $run.Out | Should -Match 'Model set to other-model\.'
        $run.Out | Should -Match '  add: Adds numbers\.'
        $requests = @(Get-FakeRequest)
        $requests | Should -HaveCount 2
        ($requests[0].body | ConvertFrom-Json).model | Should -Be 'other-model'
        ($requests[0].body | ConvertFrom-Json).tools[0].function.name | Should -Be 'add'
        # /retry sent the same prompt, without the first answer in the history.
        ($requests[1].body | ConvertFrom-Json).messages.content | Should -Be @('first')
        $run.Objects[0].TurnCount | Should -Be 1
    }

    It '/copy says plainly when the clipboard cannot be used, and copies when it can' {
        $run = Invoke-ChatChild -Lines 'hello', '/copy', 'q'
        $run.ExitCode | Should -Be 0
        $run.Out | Should -Match 'Copied the last answer\.|The clipboard cannot be used here'
    }

    It '/attach sends an image with the next prompt, and the history keeps it' {
        [System.IO.File]::WriteAllBytes((Join-Path $TestDrive 'dot.png'), $PngBytes)
        $run = Invoke-ChatChild -Lines '/attach ./dot.png', '/attach ./missing.png', 'what is this?', '/history', 'next', 'q'
        $run.Out | Should -Match 'Attached dot\.png \(image/png\); it goes with the next prompt\.'
        $run.Err | Should -Match 'missing\.png'
        $run.Out | Should -Match '\[attached\] dot\.png \(image/png\)'
        $content = (Get-LastPrompt 0).messages[-1].content
        $content[0].text | Should -Be 'what is this?'
        $content[1].type | Should -Be 'image_url'
        $content[1].image_url.url | Should -Be ('data:image/png;base64,' + [Convert]::ToBase64String($PngBytes))
        # Only the next prompt: the one after goes without it (but the history still has the image).
        (Get-LastPrompt 1).messages[-1].content | Should -Be 'next'
        (Get-LastPrompt 1).messages[0].content[1].type | Should -Be 'image_url'
    }

    It 'writes the answer as written, with no VT sequences, when its output is redirected' {
        Add-FakeReply @{ text = "# Title`n`nSome **bold** text." }
        $run = Invoke-ChatChild -Lines 'x', 'q'
        $run.Out | Should -Match ([regex]::Escape("AI: # Title"))
        $run.Out | Should -Match ([regex]::Escape('Some **bold** text.'))
        $run.Out | Should -Not -Match "`e\["
    }

    It 'lines between ``` lines are one prompt' {
        $run = Invoke-ChatChild -Lines '```', 'line one', '', 'line three', '```', 'q'
        $run.ExitCode | Should -Be 0
        (Get-LastPrompt).messages[-1].content | Should -Be "line one`n`nline three"
    }

    It 'a -Tool that needs approval asks at the prompt (even with -NonInteractive, the lines being the input), and No sends "not executed"' {
        Add-FakeReply @{ toolCalls = @(@{ id = 'call_1'; name = 'remove'; arguments = '{"Path":"x"}' }) }, @{ text = 'done' }
        $run = Invoke-ChatChild -Lines 'remove x', 'N', 'q' -Before '$t = New-LlmTool -Name remove -Description ''Removes.'' -RequireApproval -ScriptBlock { param([string] $Path) "removed $Path" }' -Arguments '-Tool $t'
        $run.Out | Should -Match '\[tool\] remove\(\{"Path":"x"\}\)'
        $run.Out | Should -Match ([regex]::Escape('Run remove({"Path":"x"})? [y/N]'))
        $run.Out | Should -Match '\[not run\] remove'
        $run.Out | Should -Not -Match 'removed x'
        ((Get-LastPrompt).messages | Where-Object role -EQ 'tool').content | Should -Match 'Not executed'
    }
}

Describe 'Host text: transcripts and 6>&1' {
    BeforeEach { Reset-FakeServer }

    It 'Start-Transcript records the conversation of Start-LlmChat, with the typed lines' {
        $transcript = Join-Path $TestDrive 'chat-transcript.txt'
        Add-FakeReply @{ tokens = @('Paris', ' is the capital.') }
        $run = Invoke-ChatChild -Lines 'capital of France?', 'q' -Before "Start-Transcript -Path '$transcript' | Out-Null" -After 'Stop-Transcript | Out-Null'
        $run.ExitCode | Should -Be 0
        $text = Get-Content $transcript -Raw
        $text | Should -Match 'You: capital of France\?'
        $text | Should -Match 'AI:'
        ($text -replace '\s+', ' ') | Should -Match 'Paris is the capital\.'
    }

    It 'Start-LlmChat 6>&1 captures what it shows, as information records tagged PSHOST' {
        Add-FakeReply @{ tokens = @('Hello', ' there') }
        $run = Invoke-ChatChild -Lines 'hi', 'q' -Before '$null = 0' -Arguments '6>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.InformationRecord]) { $global:shown += "$_"; $global:tags += $_.Tags } else { $_ } }' `
            -After '"CAPTURED[$global:shown]"; "TAGS[$(($global:tags | Sort-Object -Unique) -join ",")]"'
        $run.Out | Should -Match '(?s)CAPTURED\[.*You: .*AI: Hello there'
        $run.Out | Should -Match 'TAGS\[PSHOST\]'
    }

    It 'New-LlmConsoleHandler writes as Write-Host does: 6>&1, -InformationVariable and Start-Transcript get the tokens' {
        Add-FakeReply @{ tokens = @('one', ' two', ' three') }
        $handler = New-LlmConsoleHandler -NoColor
        $records = Invoke-LlmChat 'count' -Client $client -Stream -Callback $handler 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }
        (-join ($records | ForEach-Object { "$_" })).Trim() | Should -Be 'one two three'
        $records[0].Tags | Should -Contain 'PSHOST'

        Add-FakeReply @{ tokens = @('four', ' five') }
        $null = Invoke-LlmChat 'more' -Client $client -Stream -Callback $handler -InformationVariable seen 6>$null
        (-join ($seen | ForEach-Object { "$_" })).Trim() | Should -Be 'four five'

        $transcript = Join-Path $TestDrive 'handler-transcript.txt'
        Add-FakeReply @{ tokens = @('six', ' seven') }
        Start-Transcript -Path $transcript | Out-Null
        try { $null = Invoke-LlmChat 'last' -Client $client -Stream -Callback $handler }
        finally { Stop-Transcript | Out-Null }
        ((Get-Content $transcript -Raw) -replace '\s+', ' ') | Should -Match 'six seven'
    }
}

Describe 'Show-LlmMarkdown' {
    It 'draws headings, emphasis, code and tables with VT sequences, and returns them with -AsString' {
        $markdown = "# Title`n`nSome **bold** and ``code``.`n`n| a | b |`n|---|--:|`n| x | 10 |`n"
        $drawn = Show-LlmMarkdown $markdown -AsString -Width 60
        $drawn | Should -Match ([regex]::Escape("`e[1;4;36m") + 'Title')
        $drawn | Should -Match ([regex]::Escape("`e[1m") + 'bold')
        $drawn | Should -Match ([regex]::Escape("`e[33m") + 'code')
        ($drawn -replace "`e\[[0-9;]*m", '') | Should -Match 'x │ 10'
        ($drawn -replace "`e\[[0-9;]*m", '') | Should -Not -Match '\*\*'
    }

    It 'takes a response from the pipeline, and writes plain text with -Plain or when colours are off' {
        Add-FakeReply @{ text = '**done**' }
        $plain = Invoke-LlmChat 'x' -Client $client | Show-LlmMarkdown -Plain -AsString
        $plain | Should -Be "**done**`n"
        $shown = Invoke-LlmChat 'y' -Client $client | Show-LlmMarkdown 6>&1
        "$shown" | Should -Match 'Echo: y'
    }
}

Describe 'Views' {
    BeforeEach { Reset-FakeServer }

    It '-Stream -PassThru shows the final response as its text, like a plain chat' {
        Add-FakeReply @{ tokens = @('streamed', ' answer') }
        $shown = Invoke-LlmChat 'x' -Client $client -Stream -PassThru | Out-String
        $shown | Should -Match 'streamed answer'
        $shown | Should -Not -Match 'FinishReason'
    }

    It 'responses still make a table with Format-Table, and tokens then the response show as text' {
        $fake = New-LlmFakeClient -Response 'one', 'two', @{ Tokens = 'x ', 'y' }
        $table = 'a', 'b' | Invoke-LlmChat -Client $fake | Format-Table Prompt, Text | Out-String
        $table | Should -Match 'Prompt\s+Text'
        $table | Should -Match 'a\s+one'
        $shown = Invoke-LlmChat 'c' -Client $fake -Stream -PassThru | Out-String
        $shown | Should -Match 'x y'
        $shown | Should -Not -Match 'FinishReason'
    }

    It 'an LlmError event shows a one-line error in lists and tables, not a stack trace' {
        $bad = New-LlmClient -Endpoint 'http://127.0.0.1:9/v1' -Model m -MaxRetries 0
        $failure = Invoke-LlmChat 'x' -Client $bad -AsEvents -ErrorAction SilentlyContinue | Where-Object EventName -EQ LlmError
        $list = $failure | Format-List | Out-String
        $list | Should -Match 'Error\s+: The connection to the server failed.*\(LlmConnectionFailed\)'
        $list | Should -Not -Match '   at '
        ($failure | Format-Table | Out-String) | Should -Not -Match '   at '
    }
}
