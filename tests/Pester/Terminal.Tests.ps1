# Start-LlmChat in a real terminal (tmux): PSReadLine's editor for the prompt, Ctrl+C while an
# answer streams and at an empty prompt, and answers drawn as Markdown. These need a terminal that
# only tmux gives a test; where tmux is not installed the tests say so and are skipped.
BeforeDiscovery {
    $script:tmux = Get-Command tmux -CommandType Application -ErrorAction Ignore | Select-Object -First 1
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1

    # A pwsh in a tmux window of its own, chatting with the fake server through Start-LlmChat;
    # PSReadLine is imported as pwsh's console does for an interactive session. Its data folder
    # (PSReadLine's history file) is a test folder, never the user's.
    function Start-TerminalChat([string] $Name, [string] $Before = '', [string] $Arguments = '') {
        $folder = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory $folder -Force
        $script = Join-Path $folder 'chat.ps1'
        # A shell command in PSReadLine's history file, which the chat's Up must not reach.
        $historyFolder = New-Item -ItemType Directory (Join-Path $folder 'data/powershell/PSReadLine') -Force
        Set-Content (Join-Path $historyFolder 'ConsoleHost_history.txt') 'Get-Date # a shell command'
        Set-Content $script @"
Import-Module PSReadLine
Import-Module '$ModulePath'
$Before
`$session = Start-LlmChat -Client (New-LlmClient -Endpoint '$Endpoint' -Model fake-model) -PassThru $Arguments
[Microsoft.PowerShell.PSConsoleReadLine]::GetHistoryItems().CommandLine | Set-Content '$folder/history-after.txt'
`$session.Messages | ForEach-Object { `$_.Role + ': ' + `$_.Content } | Set-Content '$folder/messages.txt'
'done' | Set-Content '$folder/done.txt'
"@
        $environment = "XDG_DATA_HOME='$folder/data' HOME='$folder' TERM=xterm-256color"
        & tmux kill-session -t $Name 2>$null
        & tmux new-session -d -s $Name -x 110 -y 45 "env $environment '$Pwsh' -NoProfile -File '$script'; sleep 60"
        Wait-Screen $Name 'Type /help for commands'
        [pscustomobject]@{ Name = $Name; Folder = $folder }
    }

    function Get-Screen([string] $Name, [switch] $Escapes) {
        $arguments = @('capture-pane', '-p', '-t', $Name) + @(if ($Escapes) { '-e' })
        (& tmux @arguments) -join "`n"
    }

    function Wait-Screen([string] $Name, [string] $Text, [int] $Seconds = 30) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if ((Get-Screen $Name).Contains($Text)) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "The terminal did not show '$Text' within $Seconds s:`n$(Get-Screen $Name)"
    }

    function Wait-Count([string] $Name, [string] $Text, [int] $Count, [int] $Seconds = 30) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if ([regex]::Matches((Get-Screen $Name), [regex]::Escape($Text)).Count -ge $Count) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "The terminal did not show '$Text' $Count times within $Seconds s:`n$(Get-Screen $Name)"
    }

    function Send-Keys([string] $Name, [string[]] $Keys) { & tmux send-keys -t $Name @Keys }

    function Stop-TerminalChat($Chat) { & tmux kill-session -t $Chat.Name 2>$null }
}

Describe 'Start-LlmChat at a real terminal' {
    BeforeEach {
        if (-not $tmux) { Set-ItResult -Skipped -Because 'tmux is not installed, so the real-terminal checks of Start-LlmChat (PSReadLine input, Ctrl+C, Markdown) did not run' }
        Reset-FakeServer
    }

    It 'reads with PSReadLine: text that is not PowerShell, Up for an earlier prompt, several lines between ```' {
        $chat = Start-TerminalChat 'psllm-readline'
        try {
            Send-Keys $chat.Name "what's (up", 'Enter'
            Wait-Screen $chat.Name "Echo: what's (up"
            Send-Keys $chat.Name 'Up'
            Wait-Count $chat.Name "You: what's (up" 2 # recalled at the new prompt
            Send-Keys $chat.Name 'Enter'
            Wait-Count $chat.Name "Echo: what's (up" 2
            Send-Keys $chat.Name '```', 'Enter', 'first line', 'Enter', 'second line', 'Enter', '```', 'Enter'
            Wait-Screen $chat.Name 'Echo: first line'
            # Up goes back through the chat's lines only, never into the shell's commands.
            Send-Keys $chat.Name 'Up', 'Up', 'Up', 'Up'
            Start-Sleep -Milliseconds 500
            (Get-Screen $chat.Name) | Should -Not -Match 'a shell command'
            Send-Keys $chat.Name 'C-c'
            Send-Keys $chat.Name 'q', 'Enter'
            $deadline = [DateTime]::UtcNow.AddSeconds(15)
            while (-not (Test-Path (Join-Path $chat.Folder 'done.txt')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            # After the chat the shell's history is back as it was, without the chat's lines.
            Get-Content (Join-Path $chat.Folder 'history-after.txt') | Should -Be @('Get-Date # a shell command')
            $prompts = @(Get-FakeRequest | ForEach-Object { ($_.body | ConvertFrom-Json).messages[-1].content })
            $prompts | Should -Be @("what's (up", "what's (up", "first line`nsecond line")
            # The chat's lines stayed in memory: PowerShell's history file has none of them.
            $history = Get-ChildItem (Join-Path $chat.Folder 'data') -Recurse -Filter '*_history.txt' -ErrorAction Ignore | Get-Content -Raw
            "$history" | Should -Not -Match 'what'
            "$history" | Should -Match 'a shell command'
        }
        finally { Stop-TerminalChat $chat }
    }

    It 'Ctrl+C stops a streaming answer and keeps the chat; at an empty prompt it ends the chat' {
        $chat = Start-TerminalChat 'psllm-ctrlc'
        try {
            Add-FakeReply @{ text = 'first answer' }, @{ tokens = @('one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven ', 'eight ', 'nine ', 'ten '); delayMs = 400 }
            Send-Keys $chat.Name 'first', 'Enter'
            Wait-Screen $chat.Name 'first answer'
            Send-Keys $chat.Name 'slow', 'Enter'
            Wait-Screen $chat.Name 'two'
            Send-Keys $chat.Name 'C-c'
            Wait-Screen $chat.Name '[stopped'
            (Get-Screen $chat.Name) | Should -Not -Match 'ten'
            # Ctrl+C with text typed drops the text, and the chat goes on.
            Send-Keys $chat.Name 'typed then dropped'
            Start-Sleep -Milliseconds 300
            Send-Keys $chat.Name 'C-c'
            Start-Sleep -Milliseconds 300
            Add-FakeReply @{ text = 'still here' }
            Send-Keys $chat.Name 'after the drop', 'Enter'
            Wait-Screen $chat.Name 'still here'
            Send-Keys $chat.Name 'C-c'
            $deadline = [DateTime]::UtcNow.AddSeconds(15)
            while (-not (Test-Path (Join-Path $chat.Folder 'done.txt')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Test-Path (Join-Path $chat.Folder 'done.txt') | Should -BeTrue -Because 'Ctrl+C at an empty prompt ends the chat and the script goes on'
            # The stopped turn is not in the history; the dropped text was never sent.
            Get-Content (Join-Path $chat.Folder 'messages.txt') | Should -Be @('user: first', 'assistant: first answer', 'user: after the drop', 'assistant: still here')
            @(Get-FakeRequest).Count | Should -Be 3
        }
        finally { Stop-TerminalChat $chat }
    }

    It 'draws answers as Markdown: a heading, bold and code in colour, a table with aligned columns' {
        $chat = Start-TerminalChat 'psllm-markdown'
        try {
            Add-FakeReply @{ text = "# Totals`n`nThe **sum** is ``4``.`n`n| item | count |`n|---|---:|`n| apples | 3 |`n| kiwis | 12 |`n" }
            Send-Keys $chat.Name 'sum it up', 'Enter'
            Wait-Screen $chat.Name 'kiwis'
            # tmux writes the attributes back in its own words: bold+underline, then the colour.
            $lines = (Get-Screen $chat.Name -Escapes) -split "`n"
            $heading = $lines | Where-Object { $_ -match 'Totals' }
            $heading | Should -Match '\e\[1;4m'
            $heading | Should -Match '\e\[36m'
            $lines | Where-Object { $_ -match 'The' } | Should -Match ('\e\[1m' + 'sum')
            $lines | Where-Object { $_ -match 'The' } | Should -Match ('\e\[33m' + '4')
            $plain = Get-Screen $chat.Name
            $plain | Should -Match 'apples │     3'
            $plain | Should -Match 'kiwis  │    12'
            $plain | Should -Not -Match '\*\*sum\*\*'
        }
        finally { Stop-TerminalChat $chat }
    }

    It 'asks at the prompt before a tool that needs approval: y runs it, anything else does not' {
        $chat = Start-TerminalChat 'psllm-approval' -Before '$t = New-LlmTool -Name remove -Description ''Removes.'' -RequireApproval -ScriptBlock { param([string] $Path) "removed $Path" }' -Arguments '-Tool $t'
        try {
            Add-FakeReply @{ toolCalls = @(@{ id = 'call_1'; name = 'remove'; arguments = '{"Path":"a"}' }) }, @{ text = 'first done' },
                @{ toolCalls = @(@{ id = 'call_2'; name = 'remove'; arguments = '{"Path":"b"}' }) }, @{ text = 'second done' }
            Send-Keys $chat.Name 'remove a', 'Enter'
            Wait-Screen $chat.Name 'Run remove({"Path":"a"})? [y/N]'
            Send-Keys $chat.Name 'y', 'Enter'
            Wait-Screen $chat.Name 'first done'
            Send-Keys $chat.Name 'remove b', 'Enter'
            Wait-Screen $chat.Name 'Run remove({"Path":"b"})? [y/N]'
            Send-Keys $chat.Name 'Enter'
            Wait-Screen $chat.Name 'second done'
            Send-Keys $chat.Name 'q', 'Enter'
            $requests = @(Get-FakeRequest)
            $requests | Should -HaveCount 4
            (($requests[1].body | ConvertFrom-Json).messages | Where-Object role -EQ 'tool').content | Should -Be 'removed a'
            (($requests[3].body | ConvertFrom-Json).messages | Where-Object role -EQ 'tool')[-1].content | Should -Match 'Not executed'
        }
        finally { Stop-TerminalChat $chat }
    }

    It 'shows the answer as written with -NoMarkdown, or when NO_COLOR is set' -ForEach @(
        @{ Case = '-NoMarkdown'; Before = ''; Arguments = '-NoMarkdown' }
        @{ Case = 'NO_COLOR'; Before = '$env:NO_COLOR = 1'; Arguments = '' }
    ) {
        $chat = Start-TerminalChat "psllm-plain-$($Case.Trim('-').ToLower() -replace '_', '-')" -Before $Before -Arguments $Arguments
        try {
            Add-FakeReply @{ text = "# Totals`n`nThe **sum** is ``4``." }
            Send-Keys $chat.Name 'sum it up', 'Enter'
            Wait-Screen $chat.Name 'is `4`.'
            $screen = Get-Screen $chat.Name
            $screen | Should -Match '# Totals'
            $screen | Should -Match ([regex]::Escape('The **sum** is `4`.'))
            (Get-Screen $chat.Name -Escapes) | Should -Not -Match '\e\[1;4m'
        }
        finally { Stop-TerminalChat $chat }
    }
}
