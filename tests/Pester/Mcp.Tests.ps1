# MCP both ways: the reference server @modelcontextprotocol/server-everything (from npm, in
# tests/mcp; build.ps1 -Test installs it) over stdio and streamable HTTP, and PsLlm's own
# Start-LlmMcpServer in a child pwsh. Without Node.js the reference-server tests are skipped, each
# saying why.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Node = (Get-Command node -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
    $script:Everything = Join-Path $RepoRoot 'tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js'
    $script:NoEverything = if (-not $Node) { 'Node.js (node) is not on PATH' }
    elseif (-not (Test-Path $Everything)) { 'the MCP reference server is not installed (npm ci --prefix tests/mcp; build.ps1 -Test does it)' }
    $script:client = New-TestClient
    $script:Manifest = Join-Path $ModulePath 'PsLlm.psd1'

    function Connect-Everything([string] $Name = 'everything') {
        Connect-LlmMcpServer -Command $Node -ArgumentList $Everything, 'stdio' -Name $Name
    }
    # A PowerShell MCP server in a child pwsh, serving what $Tools (script text) makes.
    function Connect-PsLlmServer([string] $Tools, [string] $Name = 'mine', [string] $Extra = '') {
        Connect-LlmMcpServer -Command $Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$Manifest'; Start-LlmMcpServer -Tool ($Tools) $Extra" -Name $Name
    }
    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
    }
}

AfterAll { Get-LlmMcpServer | Disconnect-LlmMcpServer }

Describe 'The MCP reference server over stdio' {
    BeforeEach {
        if ($NoEverything) { Set-ItResult -Skipped -Because $NoEverything; return }
        Reset-FakeServer
        Get-LlmMcpServer | Disconnect-LlmMcpServer
    }

    It 'connects, describes the server and lists its tools with their hints' {
        $server = Connect-Everything
        $server | Should -BeOfType PsLlm.McpServerConnection
        $server.State | Should -Be 'Connected'
        $server.Transport | Should -Be 'stdio'
        $server.ServerName | Should -Be 'mcp-servers/everything'
        $server.Capabilities | Should -Contain 'tools'
        (Get-LlmMcpServer).Name | Should -Be 'everything'

        $tools = Get-LlmMcpTool -Server $server
        $tools.Name | Should -Contain 'get-sum'
        $tools | ForEach-Object { $_.McpServer | Should -Be 'everything' }
        ($tools | Where-Object Name -eq 'echo').RequireApproval | Should -BeFalse -Because 'echo is read-only and not destructive'
        ($tools | Where-Object Name -eq 'toggle-simulated-logging').RequireApproval | Should -BeTrue -Because 'it is not read-only'
        (Get-LlmMcpTool -Name get-s*).Name | Should -Be @('get-structured-content', 'get-sum')
        { Get-LlmMcpTool -Name no-such-tool -ErrorAction Stop } | Should -Throw -ErrorId 'LlmMcpToolNotFound,PsLlm.Commands.GetLlmMcpToolCommand'
    }

    It 'a chat calls the server''s tool and the model gets its answer; the events name the server' {
        $server = Connect-Everything
        Add-FakeReply @{ toolCalls = @(@{ name = 'get-sum'; arguments = '{"a":2,"b":40}' }) }, @{ text = 'It is 42.' }
        $events = Invoke-LlmChat 'Add 2 and 40.' -Client $client -Tool (Get-LlmMcpTool -Server $server -Name get-sum) -AsEvents
        ($events | Where-Object EventName -eq 'ChainEnd').Outputs.Text | Should -Be 'It is 42.'
        $names = @($events.EventName)
        $start = [array]::IndexOf($names, 'ToolStart')
        $names[$start - 1] | Should -Be 'AgentAction'
        $names[$start + 1] | Should -Be 'ToolEnd'
        $end = $events | Where-Object EventName -eq 'ToolEnd'
        $end.McpServer | Should -Be 'everything'
        $end.Output | Should -Match '42'
        (@(Get-FakeRequest)[1].body | ConvertFrom-Json).messages[-1].content | Should -Be $end.Output
    }

    It 'shows the server''s progress as a progress bar while the tool runs' {
        $server = Connect-Everything
        $tool = Get-LlmMcpTool -Server $server -Name trigger-long-running-operation
        Add-FakeReply @{ toolCalls = @(@{ name = 'trigger-long-running-operation'; arguments = '{"duration":1,"steps":4}' }) }, @{ text = 'done' }
        # A runspace of its own, whose progress records are kept (this one's go to the host).
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript('param($Module, $Client, $Tool) Import-Module $Module; Invoke-LlmChat x -Client $Client -Tool $Tool').
                AddArgument($Manifest).AddArgument($client).AddArgument($tool).Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            $progress = @($shell.Streams.Progress | Where-Object Activity -eq 'MCP everything: trigger-long-running-operation')
        }
        finally { $shell.Runspace.Dispose(); $shell.Dispose() }
        $progress.Count | Should -BeGreaterThan 1
        $progress | Where-Object RecordType -eq 'Processing' | ForEach-Object { $_.PercentComplete | Should -BeIn @(25, 50, 75, 99) }
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'a tool that needs approval runs with -Confirm:$false, and -WhatIf sends nothing' {
        $server = Connect-Everything
        $logging = Get-LlmMcpTool -Server $server -Name toggle-simulated-logging
        $logging.RequireApproval | Should -BeTrue
        Add-FakeReply @{ toolCalls = @(@{ name = 'toggle-simulated-logging'; arguments = '{}' }) }, @{ text = 'Logging is on.' }
        $events = Invoke-LlmChat 'Turn logging on.' -Client $client -Tool $logging -Confirm:$false -AsEvents
        ($events | Where-Object EventName -eq 'ToolEnd').Output | Should -Match 'Started simulated'

        Reset-FakeServer
        $null = Invoke-LlmChat 'Turn logging on.' -Client $client -Tool $logging -WhatIf
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It 'the server''s standard error is shown as verbose messages' {
        $server = Connect-Everything
        # The reference server says "Starting default (STDIO) server..." on standard error as it starts.
        $verbose = Get-LlmMcpServer everything -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match 'MCP everything: \(stderr\) Starting default \(STDIO\) server'
        # Shown once: what was shown is not shown again.
        Get-LlmMcpServer everything -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty
    }

    It 'Disconnect-LlmMcpServer ends it; its tools then fail with an error the model reads' {
        $server = Connect-Everything
        $echo = Get-LlmMcpTool -Server $server -Name echo
        $server | Disconnect-LlmMcpServer
        $server.State | Should -Be 'Disconnected'
        Get-LlmMcpServer | Should -BeNullOrEmpty
        Add-FakeReply @{ toolCalls = @(@{ name = 'echo'; arguments = '{"message":"hi"}' }) }, @{ text = 'The server is gone.' }
        $events = Invoke-LlmChat 'x' -Client $client -Tool $echo -AsEvents
        ($events | Where-Object EventName -eq 'ToolError').Output | Should -BeLike "Error: MCP server 'everything' is disconnected*"
    }

    It 'a name in use by a connected server is refused' {
        $null = Connect-Everything -Name twin
        { Connect-Everything -Name twin } | Should -Throw -ErrorId 'LlmMcpServerNameInUse,PsLlm.Commands.ConnectLlmMcpServerCommand'
        @(Get-LlmMcpServer).Count | Should -Be 1
    }
}

Describe 'The MCP reference server over streamable HTTP' {
    BeforeAll {
        if ($NoEverything) { return }
        $script:port = Get-FreePort
        $info = [System.Diagnostics.ProcessStartInfo]::new($Node)
        $info.ArgumentList.Add($Everything); $info.ArgumentList.Add('streamableHttp')
        $info.Environment['PORT'] = "$port"
        $info.RedirectStandardError = $true; $info.RedirectStandardOutput = $true
        $script:httpServer = [System.Diagnostics.Process]::Start($info)
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        do {
            Start-Sleep -Milliseconds 100
            $probe = [System.Net.Sockets.TcpClient]::new()
            try { $probe.Connect('127.0.0.1', $port); $up = $true } catch { $up = $false } finally { $probe.Dispose() }
        } until ($up -or [datetime]::UtcNow -gt $deadline)
    }
    AfterAll { if ($script:httpServer) { $httpServer.Kill(); $httpServer.WaitForExit() } }
    BeforeEach {
        if ($NoEverything) { Set-ItResult -Skipped -Because $NoEverything; return }
        Reset-FakeServer
        Get-LlmMcpServer | Disconnect-LlmMcpServer
    }

    It 'connects with headers whose values are never shown, and its tools work in a chat' {
        $secret = 'Bearer sk-mcp-SECRET-0123456789'
        $server = Connect-LlmMcpServer -Uri "http://127.0.0.1:$port/mcp" -Header @{ Authorization = $secret } -Name remote
        $server.Transport | Should -Be 'http'
        $server.Target | Should -Be "http://127.0.0.1:$port/mcp"
        $server.HeaderNames | Should -Be 'Authorization'
        ($server | Format-List * | Out-String) | Should -Not -Match 'SECRET'
        ($server | ConvertTo-Json -Depth 3) | Should -Not -Match 'SECRET'

        Add-FakeReply @{ toolCalls = @(@{ name = 'echo'; arguments = '{"message":"over http"}' }) }, @{ text = 'Echoed.' }
        $events = Invoke-LlmChat 'x' -Client $client -Tool (Get-LlmMcpTool -Server $server -Name echo) -AsEvents
        $end = $events | Where-Object EventName -eq 'ToolEnd'
        $end.Output | Should -Be 'Echo: over http'
        $end.McpServer | Should -Be 'remote'
    }
}

Describe 'Connect-LlmMcpServer checks what it is given before anything starts' {
    BeforeEach { Get-LlmMcpServer | Disconnect-LlmMcpServer }
    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a program that is not found'; Command = { Connect-LlmMcpServer -Command no-such-mcp-server-program }; ErrorId = 'LlmMcpCommandNotFound' }
        @{ Case = 'a URL that is not http or https'; Command = { Connect-LlmMcpServer -Uri ftp://example.com/mcp }; ErrorId = 'LlmInvalidMcpUri' }
        @{ Case = 'a relative URL'; Command = { Connect-LlmMcpServer -Uri mcp }; ErrorId = 'LlmInvalidMcpUri' }
        @{ Case = 'a header value with a line break'; Command = { Connect-LlmMcpServer -Uri http://127.0.0.1:1/mcp -Header @{ A = "x`ny" } }; ErrorId = 'LlmInvalidHeader' }
    ) {
        $Command | Should -Throw -ErrorId "$ErrorId,PsLlm.Commands.ConnectLlmMcpServerCommand"
        Get-LlmMcpServer | Should -BeNullOrEmpty
    }

    It 'a server that is not there is a connection error' {
        Connect-LlmMcpServer -Uri "http://127.0.0.1:$(Get-FreePort)/mcp" -ConnectTimeoutSec 5 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmMcpConnectionFailed,PsLlm.Commands.ConnectLlmMcpServerCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'a program that never answers the handshake is given up after -ConnectTimeoutSec' {
        Connect-LlmMcpServer -Command $Pwsh -ArgumentList '-NoProfile', '-Command', 'Start-Sleep 60' -ConnectTimeoutSec 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmMcpConnectionFailed,PsLlm.Commands.ConnectLlmMcpServerCommand'
        $err[0].Exception.Message | Should -Match 'within 2 s'
        Get-LlmMcpServer | Should -BeNullOrEmpty
    }
}

Describe 'Start-LlmMcpServer, through Connect-LlmMcpServer' {
    BeforeEach { Reset-FakeServer; Get-LlmMcpServer | Disconnect-LlmMcpServer }

    It 'serves commands and scriptblocks whose calls run in the serving pwsh' {
        $server = Connect-PsLlmServer "(New-LlmTool -Command Get-Date), (New-LlmTool -Name add -Description 'Adds' -ScriptBlock { param([int] `$a, [int] `$b) `$a + `$b })"
        $server.ServerName | Should -Be 'PsLlm'
        $tools = Get-LlmMcpTool -Server $server
        $tools.Name | Should -Be @('Get-Date', 'add')
        $tools.RequireApproval | Should -Be @($false, $false) -Because 'tools that need no approval in PsLlm are announced read-only'
        Add-FakeReply @{ toolCalls = @(@{ name = 'add'; arguments = '{"a":2,"b":40}' }) }, @{ text = '42' }
        $events = Invoke-LlmChat 'x' -Client $client -Tool $tools -AsEvents
        ($events | Where-Object EventName -eq 'ToolEnd').Output | Should -Be '42'
    }

    It 'refuses a tool that needs approval unless -AllowApproval, which announces it as destructive' {
        $gated = "New-LlmTool -Name wipe -Description 'Wipes' -ScriptBlock { 'wiped' } -RequireApproval"
        $output = & $Pwsh -NoProfile -NonInteractive -Command "Import-Module '$Manifest'; Start-LlmMcpServer -Tool ($gated)" 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $output | Should -Match 'wipe requires approval'

        $server = Connect-PsLlmServer $gated -Extra '-AllowApproval'
        (Get-LlmMcpTool -Server $server).RequireApproval | Should -BeTrue
    }
}

Describe 'Ctrl+C at a real terminal during an MCP tool call' {
    BeforeAll {
        $script:NoTerminal = if ($NoEverything) { $NoEverything }
        elseif (-not (Get-Command tmux -CommandType Application -ErrorAction Ignore)) { 'tmux is not installed (a test needs it for a terminal)' }
        elseif (-not $IsLinux) { 'a stdio server keeps its own session on Linux only' }
    }

    It 'stops the chat; the server stays connected and answers the next call' {
        if ($NoTerminal) { Set-ItResult -Skipped -Because $NoTerminal; return }
        $out = Join-Path $TestDrive 'after-ctrl-c.txt'
        $setup = Join-Path $TestDrive 'setup.ps1'
        Set-Content $setup @"
Import-Module '$Manifest'
`$null = Connect-LlmMcpServer -Command '$Node' -ArgumentList '$Everything', 'stdio' -Name everything
`$tools = Get-LlmMcpTool -Name trigger-long-running-operation, echo
`$slow = New-LlmFakeClient -Response @{ ToolCalls = @(@{ Name = 'trigger-long-running-operation'; Arguments = '{"duration":30,"steps":30}' }) }, 'done'
`$echo = New-LlmFakeClient -Response @{ ToolCalls = @(@{ Name = 'echo'; Arguments = '{"message":"still here"}' }) }, 'ok'
'ready'
"@
        $session = "psllm-mcp-$PID"
        & tmux kill-session -t $session 2>$null
        & tmux new-session -d -s $session -x 120 -y 30 "'$Pwsh' -NoProfile"
        try {
            function Wait-Terminal([string] $Text) {
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while (-not ((& tmux capture-pane -p -t $session) -join "`n").Contains($Text)) {
                    if ([DateTime]::UtcNow -gt $deadline) { throw "The terminal did not show '$Text':`n$((& tmux capture-pane -p -t $session) -join "`n")" }
                    Start-Sleep -Milliseconds 100
                }
            }
            Wait-Terminal 'PS '
            & tmux send-keys -t $session ". '$setup'" Enter
            Wait-Terminal 'ready'
            & tmux send-keys -t $session 'Invoke-LlmChat slow -Client $slow -Tool $tools' Enter
            Wait-Terminal '2 of 30'      # the server's progress bar: the call is under way
            & tmux send-keys -t $session C-c
            & tmux send-keys -t $session "(Get-LlmMcpServer).State, (Invoke-LlmChat x -Client `$echo -Tool `$tools -AsEvents | Where-Object EventName -eq ToolEnd).Output | Set-Content '$out'" Enter
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path $out) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Milliseconds 200
            Get-Content $out | Should -Be @('Connected', 'Echo: still here')
        }
        finally { & tmux kill-session -t $session 2>$null }
    }
}
