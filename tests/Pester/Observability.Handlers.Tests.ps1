BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient

    function Read-JsonLines([string] $Path) {
        # Every line must be one complete JSON object.
        @(Get-Content -LiteralPath $Path | ForEach-Object { $_ | ConvertFrom-Json })
    }

    function Get-FreePort {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start()
        try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
    }

    function Start-TestCollector {
        # An HTTP collector on loopback, answering 200 from a runspace of its own while chats run here.
        $port = Get-FreePort
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $received = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($listener, $received)
                while ($listener.IsListening) {
                    try { $context = $listener.GetContext() } catch { break }
                    $body = [System.IO.StreamReader]::new($context.Request.InputStream).ReadToEnd()
                    $received.Enqueue([pscustomobject]@{
                            Method        = $context.Request.HttpMethod
                            Path          = $context.Request.Url.AbsolutePath
                            Authorization = $context.Request.Headers['Authorization']
                            Body          = $body
                        })
                    $context.Response.StatusCode = 200
                    $context.Response.Close()
                }
            }).AddArgument($listener).AddArgument($received)
        $handle = $ps.BeginInvoke()
        [pscustomobject]@{ Uri = "http://127.0.0.1:$port/records"; Listener = $listener; PowerShell = $ps; Handle = $handle; Received = $received }
    }

    function Stop-TestCollector($Collector) {
        $Collector.Listener.Stop()
        $Collector.Listener.Close()
        $null = $Collector.Handle.AsyncWaitHandle.WaitOne(5000)
        $Collector.PowerShell.Dispose()
    }
}

Describe 'New-LlmConsoleHandler' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }
    AfterAll { Remove-AllLlmCallbacks }

    It 'returns a PsLlm.CallbackHandler with the options asked for' {
        $h = New-LlmConsoleHandler -NoTokens -ShowRunHeaders -ShowUsage -ShowToolCalls -NoColor
        $h | Should -BeOfType PsLlm.CallbackHandler
        $h.ShowTokens | Should -BeFalse
        $h.ShowRunHeaders | Should -BeTrue
        $h.ShowUsage | Should -BeTrue
        $h.ShowToolCalls | Should -BeTrue
        $h.UseColor | Should -BeFalse
        (New-LlmConsoleHandler).ShowTokens | Should -BeTrue
    }

    It 'leaves colours out when NO_COLOR is set or $PSStyle.OutputRendering is PlainText' {
        $saved = $env:NO_COLOR
        try {
            $env:NO_COLOR = '1'
            (New-LlmConsoleHandler).UseColor | Should -BeFalse
        }
        finally { $env:NO_COLOR = $saved }
        $rendering = $PSStyle.OutputRendering
        try {
            $PSStyle.OutputRendering = 'PlainText'
            (New-LlmConsoleHandler).UseColor | Should -BeFalse
        }
        finally { $PSStyle.OutputRendering = $rendering }
    }

    It 'writes tokens, run headers and usage to the host, in plain text when output is redirected' {
        Add-FakeReply @{ tokens = @('Hello', ', ', 'world'); promptTokens = 5; completionTokens = 3 }
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$c = New-LlmClient -Endpoint '$Endpoint' -Model fake-model -MaxRetries 0 -ApiKey (ConvertTo-SecureString '$TestKey' -AsPlainText -Force)
`$null = Register-LlmCallback -Handler (New-LlmConsoleHandler -ShowRunHeaders -ShowUsage)
`$null = Invoke-LlmChat 'greet me' -Client `$c -Stream
'done'
"@
        $output = & $Pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $text = $output -join "`n"
        $text | Should -Match '> Entering chain Invoke-LlmChat'
        $text | Should -Match '> Chat model fake-model \(1 message\)'
        $output | Should -Contain 'Hello, world'
        $text | Should -Match '\[fake-model: 5 in / 3 out, stop, '
        $text | Should -Match '> Finished chain Invoke-LlmChat in '
        $text | Should -Not -Match "`e\["   # no colour codes in redirected output
        $output[-1] | Should -Be 'done'
    }

    It 'works as a -Callback of one chat, without writing to the pipeline' {
        Add-FakeReply @{ tokens = @('a', 'b') }
        $result = Invoke-LlmChat 'x' -Client $client -Stream -Callback (New-LlmConsoleHandler -NoTokens -NoColor) 6>$null
        ($result | ForEach-Object Text) -join '' | Should -Be 'ab'
    }
}

Describe 'New-LlmJsonlHandler' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }
    AfterAll { Remove-AllLlmCallbacks }

    It 'Register-LlmCallback -Handler logs every event of the chats as JSON lines' {
        $path = Join-Path $TestDrive 'session.jsonl'
        $h = New-LlmJsonlHandler -Path $path
        $h | Should -BeOfType PsLlm.CallbackHandler
        $h.Path | Should -Be $path
        $null = Register-LlmCallback -Handler $h
        Add-FakeReply @{ tokens = @('one', ' two') }, @{ text = 'second' }
        $first = Invoke-LlmChat 'first question' -Client $client -Stream -PassThru -Tag nightly -Metadata @{ user = 'ada'; n = 2 } | Select-Object -Last 1
        $second = Invoke-LlmChat 'second question' -Client $client
        $h.Flush([timespan]::FromSeconds(30)) | Should -BeTrue

        $lines = Read-JsonLines $path
        $lines.eventName | Should -Be @(
            'ChainStart', 'Text', 'ChatModelStart', 'LlmNewToken', 'LlmNewToken', 'LlmEnd', 'ChainEnd'
            'ChainStart', 'Text', 'ChatModelStart', 'LlmEnd', 'ChainEnd')
        $h.Written | Should -Be 12
        $h.Dropped | Should -Be 0
        $h.Failed | Should -Be 0
        $ends = @($lines | Where-Object eventName -EQ 'LlmEnd')
        $ends[0].response.text | Should -Be 'one two'
        $ends[0].runId | Should -Be $first.RunId.ToString()
        $ends[0].parentRunId | Should -Be $first.ChainRunId.ToString()
        $ends[0].tags | Should -Be @('nightly')
        $ends[0].metadata.user | Should -Be 'ada'
        $ends[0].metadata.n | Should -Be 2
        $ends[1].response.text | Should -Be 'second'
        $ends[1].runId | Should -Be $second.RunId.ToString()
        # Timestamps are UTC ISO 8601 (read back as UTC dates by ConvertFrom-Json).
        (Get-Content -LiteralPath $path -TotalCount 1) | Should -Match '"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z"'
        (Get-Content -LiteralPath $path -Raw) | Should -Not -Match ([regex]::Escape($TestKey))
    }

    It 'resolves a relative path against the current location' {
        Push-Location $TestDrive
        try {
            $h = New-LlmJsonlHandler relative.jsonl
            $h.Path | Should -Be (Join-Path (Get-Location).ProviderPath 'relative.jsonl')
            Test-Path (Join-Path $TestDrive 'relative.jsonl') | Should -BeTrue
        }
        finally { Pop-Location }
    }

    It '-EventName logs only those events' {
        $path = Join-Path $TestDrive 'ends.jsonl'
        $h = New-LlmJsonlHandler $path -EventName LlmEnd, ChainEnd
        Add-FakeReply @{ tokens = @('a', 'b') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream -Callback $h
        $h.Flush([timespan]::FromSeconds(30)) | Should -BeTrue
        (Read-JsonLines $path).eventName | Should -Be @('LlmEnd', 'ChainEnd')
    }

    It '-ExcludeContent keeps ids, usage and lengths but no prompt or answer text' {
        $path = Join-Path $TestDrive 'private.jsonl'
        $h = New-LlmJsonlHandler $path -ExcludeContent
        Add-FakeReply @{ tokens = @('classified', ' answer') }
        $r = Invoke-LlmChat 'my secret question' -Client $client -Stream -PassThru -Callback $h | Select-Object -Last 1
        $h.Flush([timespan]::FromSeconds(30)) | Should -BeTrue
        $raw = Get-Content -LiteralPath $path -Raw
        $raw | Should -Not -Match 'secret question'
        $raw | Should -Not -Match 'classified'
        $end = Read-JsonLines $path | Where-Object eventName -EQ 'LlmEnd'
        $end.response.textLength | Should -Be 'classified answer'.Length
        $end.response.usage.totalTokens | Should -Be $r.Usage.TotalTokens
        $end.runId | Should -Be $r.RunId.ToString()
    }

    It 'rejects an unknown event name before logging anything' {
        { New-LlmJsonlHandler (Join-Path $TestDrive 'x.jsonl') -EventName LlmToken } |
            Should -Throw -ErrorId 'LlmUnknownEventName,PsLlm.Commands.NewLlmJsonlHandlerCommand' -ExpectedMessage '*LlmNewToken*'
    }

    It 'fails clearly when the folder does not exist' {
        $path = Join-Path $TestDrive 'missing/log.jsonl'
        $err = { New-LlmJsonlHandler $path } | Should -Throw -ErrorId 'LlmLogFolderNotFound,PsLlm.Commands.NewLlmJsonlHandlerCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike '*does not exist*'
        Test-Path (Join-Path $TestDrive 'missing') | Should -BeFalse
    }

    It 'rejects a path that is not a file' {
        { New-LlmJsonlHandler 'Env:\PSLLM_NOT_A_FILE' } | Should -Throw -ErrorId 'LlmLogPathInvalid,PsLlm.Commands.NewLlmJsonlHandlerCommand'
        { New-LlmJsonlHandler $TestDrive } | Should -Throw -ErrorId 'LlmLogPathInvalid,PsLlm.Commands.NewLlmJsonlHandlerCommand'
    }

    It 'lets two processes log to one file, leaving only whole lines' {
        $path = Join-Path $TestDrive 'shared.jsonl'
        $job = Start-Job -ScriptBlock {
            param($modulePath, $endpoint, $path)
            Import-Module $modulePath
            $c = New-LlmClient -Endpoint $endpoint -Model fake-model -MaxRetries 0
            $h = New-LlmJsonlHandler $path
            $chats = 0
            for (; $chats -lt 30; $chats++) { $null = Invoke-LlmChat "job chat $chats with some words to stream" -Client $c -Stream -Tag job -Callback $h }
            $null = $h.Flush([timespan]::FromSeconds(30))
            [pscustomobject]@{ Chats = $chats; Written = $h.Written; Dropped = $h.Dropped }
        } -ArgumentList $ModulePath, $Endpoint, $path
        try {
            $h = New-LlmJsonlHandler $path
            $chats = 0
            # The job starts a process of its own; chat (echo replies, no script) from its first line until it is done.
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not ((Test-Path $path) -and (Select-String -LiteralPath $path -SimpleMatch '"tags":["job"]' -Quiet)) -and $job.State -in 'NotStarted', 'Running' -and [datetime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            while ($job.State -in 'NotStarted', 'Running' -and $chats -lt 1000) {
                $null = Invoke-LlmChat "parent chat $chats with some words to stream" -Client $client -Stream -Tag parent -Callback $h
                $chats++
            }
            $h.Flush([timespan]::FromSeconds(30)) | Should -BeTrue
            $fromJob = $job | Wait-Job -Timeout 120 | Receive-Job
            $fromJob.Chats | Should -Be 30
            $fromJob.Dropped | Should -Be 0

            $lines = Read-JsonLines $path
            $lines.Count | Should -Be ($h.Written + $fromJob.Written)
            foreach ($tag in 'job', 'parent') {
                $mine = @($lines | Where-Object { $_.tags -contains $tag })
                @($mine | Where-Object eventName -EQ 'ChainStart').Count | Should -Be $(if ($tag -eq 'job') { 30 } else { $chats })
                @($mine | Where-Object eventName -EQ 'ChainEnd').Count | Should -Be $(if ($tag -eq 'job') { 30 } else { $chats })
            }
        }
        finally { $job | Remove-Job -Force }
    }
}

Describe 'New-LlmWebhookHandler' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }
    AfterAll { Remove-AllLlmCallbacks }

    It 'posts one inference record per chat to the collector, with the headers given' {
        $collector = Start-TestCollector
        try {
            $h = New-LlmWebhookHandler -Uri $collector.Uri -Header @{ Authorization = 'Bearer hook-secret-31415926' } -TimeoutSec 10
            $h | Should -BeOfType PsLlm.CallbackHandler
            $h.HeaderNames | Should -Be @('Authorization')
            $null = Register-LlmCallback -Handler $h
            Add-FakeReply @{ text = 'forty-two'; promptTokens = 9; completionTokens = 2 }
            $r = Invoke-LlmChat 'What is the answer?' -Client $client -Tag webhook -Metadata @{ user = 'ada' }
            $h.Flush([timespan]::FromSeconds(30)) | Should -BeTrue
            $h.Sent | Should -Be 1
            $h.Failed | Should -Be 0

            $received = @($collector.Received)
            $received.Count | Should -Be 1
            $received[0].Method | Should -Be 'POST'
            $received[0].Path | Should -Be '/records'
            $received[0].Authorization | Should -Be 'Bearer hook-secret-31415926'
            $record = $received[0].Body | ConvertFrom-Json
            $record.format | Should -Be 'psllm.inference'
            $record.inferenceId | Should -Be $r.RunId.ToString()
            $record.prompt[-1].content | Should -Be 'What is the answer?'
            $record.completion | Should -Be 'forty-two'
            $record.model | Should -Be 'fake-model'
            $record.usage.inputTokens | Should -Be 9
            $record.finishReason | Should -Be 'stop'
            $record.durationMs | Should -BeGreaterThan 0
            $record.tags | Should -Be @('webhook')
            $record.metadata.user | Should -Be 'ada'
            $received[0].Body | Should -Not -Match 'hook-secret'
            "$h" | Should -Not -Match 'hook-secret'
        }
        finally { Stop-TestCollector $collector }
    }

    It 'never fails or holds up the chat when the collector is down, and counts the failure' {
        $h = New-LlmWebhookHandler -Uri "http://127.0.0.1:$(Get-FreePort)/down" -Header @{ Authorization = 'Bearer hook-secret-27182818' }
        Add-FakeReply @{ tokens = @('still', ' fine') }
        $r = Invoke-LlmChat 'x' -Client $client -Stream -PassThru -Callback $h -WarningVariable warnings | Select-Object -Last 1
        $r.Text | Should -Be 'still fine'
        $warnings | Should -BeNullOrEmpty
        $h.Flush([timespan]::FromSeconds(60)) | Should -BeTrue
        $h.Sent | Should -Be 0
        $h.Failed | Should -Be 1
        $h.Retried | Should -Be 3
        $h.LastError | Should -Not -BeNullOrEmpty
        $h.LastError | Should -Not -Match 'hook-secret'
    }

    It 'rejects a URL that is not absolute http or https before anything is sent' {
        { New-LlmWebhookHandler -Uri 'collector/records' } | Should -Throw -ErrorId 'LlmInvalidWebhookUri,PsLlm.Commands.NewLlmWebhookHandlerCommand'
        { New-LlmWebhookHandler -Uri 'ftp://example.com/x' } | Should -Throw -ErrorId 'LlmInvalidWebhookUri,PsLlm.Commands.NewLlmWebhookHandlerCommand'
        $err = { New-LlmWebhookHandler -Uri 'https://user:pa55word@example.com/x' } | Should -Throw -ErrorId 'LlmInvalidWebhookUri,PsLlm.Commands.NewLlmWebhookHandlerCommand' -PassThru
        $err.Exception.Message | Should -Not -Match 'pa55word'
        $err = { New-LlmWebhookHandler -Uri 'nope' } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'rejects an invalid header' {
        { New-LlmWebhookHandler -Uri 'http://127.0.0.1:9/x' -Header @{ 'Bad Name' = 'v' } } |
            Should -Throw -ErrorId 'LlmInvalidHeader,PsLlm.Commands.NewLlmWebhookHandlerCommand'
    }
}
