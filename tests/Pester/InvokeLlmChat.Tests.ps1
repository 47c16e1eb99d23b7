BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
}

Describe 'Invoke-LlmChat' {
    BeforeEach { Reset-FakeServer }

    Context 'answers' {
        It 'returns a ChatResponse with text, model, finish reason, usage, run id and timings' {
            Add-FakeReply @{ text = 'Hello there'; model = 'fake-model-2024'; promptTokens = 5; completionTokens = 2 }
            $r = Invoke-LlmChat 'Hi' -Client $client
            $r | Should -BeOfType PsLlm.ChatResponse
            $r.Text | Should -Be 'Hello there'
            $r.Model | Should -Be 'fake-model-2024'
            $r.FinishReason | Should -Be 'stop'
            $r.Usage.InputTokens | Should -Be 5
            $r.Usage.OutputTokens | Should -Be 2
            $r.RunId | Should -Not -Be ([guid]::Empty)
            $r.ResponseId | Should -Match '^chatcmpl-'
            $r.Duration | Should -BeGreaterThan ([timespan]::Zero)
            "$r" | Should -Be 'Hello there'
            ($r | Out-String).Trim() | Should -Be 'Hello there'
        }

        It 'runs one chat per pipeline input, by value' {
            Add-FakeReply @{ text = 'one' }, @{ text = 'two' }, @{ text = 'three' }
            $answers = 'a', 'b', 'c' | Invoke-LlmChat -Client $client
            $answers.Text | Should -Be @('one', 'two', 'three')
            (Get-FakeRequest).Count | Should -Be 3
        }

        It 'binds Prompt, System, Model and Tag by property name, each object for its own chat' {
            $rows = @(
                [pscustomobject]@{ Prompt = 'p1'; System = 's1'; Model = 'row-model'; Tag = 'first' }
                [pscustomobject]@{ Prompt = 'p2'; SystemPrompt = 's2'; Tag = 'second' }
            )
            $events = $rows | Invoke-LlmChat -Client $client -AsEvents
            $bodies = Get-FakeRequest | ForEach-Object { $_.body | ConvertFrom-Json }
            # A row's Model is its chat's; the next row, without one, gets the client's again.
            $bodies.model | Should -Be @('row-model', 'fake-model')
            $bodies[0].messages[0].content | Should -Be 's1'
            $bodies[0].messages[1].content | Should -Be 'p1'
            $bodies[1].messages[0].content | Should -Be 's2'
            ($events | Where-Object EventName -EQ 'ChainStart').Tags | Should -Be @('first', 'second')
        }

        It 'binds Client by property name' {
            Add-FakeReply @{ text = 'via property' }
            ([pscustomobject]@{ Prompt = 'x'; Client = $client } | Invoke-LlmChat).Text | Should -Be 'via property'
        }

        It 'sends the sampling parameters' {
            Add-FakeReply @{ text = 'ok' }
            $null = Invoke-LlmChat 'x' -Client $client -System 'sys' -Model m9 -Temperature 0.3 -TopP 0.8 -MaxTokens 64 -Stop 'END', 'STOP' -Seed 11
            $body = (Get-FakeRequest)[0].body | ConvertFrom-Json
            $body.model | Should -Be 'm9'
            $body.temperature | Should -Be 0.3
            $body.top_p | Should -Be 0.8
            $body.max_completion_tokens | Should -Be 64
            $body.stop | Should -Be @('END', 'STOP')
            $body.seed | Should -Be 11
        }
    }

    Context 'streaming' {
        It '-Stream writes ChatToken objects whose string form is the text' {
            Add-FakeReply @{ tokens = @('Hel', 'lo', ' world') }
            $tokens = Invoke-LlmChat 'x' -Client $client -Stream
            $tokens | Should -HaveCount 3
            $tokens[0] | Should -BeOfType PsLlm.ChatToken
            $tokens.Index | Should -Be @(0, 1, 2)
            -join $tokens | Should -Be 'Hello world'
            ((Get-FakeRequest)[0].body | ConvertFrom-Json).stream | Should -BeTrue
        }

        It '-Stream | Write-Host -NoNewline prints the text' {
            Add-FakeReply @{ tokens = @('a', 'b', 'c') }
            $printed = Invoke-LlmChat 'x' -Client $client -Stream | Write-Host -NoNewline 6>&1
            -join ($printed | ForEach-Object { "$_" }) | Should -Be 'abc'
        }

        It '-Stream -PassThru ends with the complete response, usage included' {
            Add-FakeReply @{ tokens = @('x', 'y'); promptTokens = 3; completionTokens = 2 }
            $out = Invoke-LlmChat 'x' -Client $client -Stream -PassThru
            $out[0..1] | ForEach-Object { $_ | Should -BeOfType PsLlm.ChatToken }
            $out[-1] | Should -BeOfType PsLlm.ChatResponse
            $out[-1].Text | Should -Be 'xy'
            $out[-1].Usage.TotalTokens | Should -Be 5
            $out[-1].TimeToFirstToken | Should -Not -BeNullOrEmpty
        }

        It 'tokens reach the pipeline while the answer is still arriving' {
            Add-FakeReply @{ tokens = @('1', '2', '3', '4', '5'); delayMs = 100 }
            $arrivals = Invoke-LlmChat 'x' -Client $client -Stream | ForEach-Object { [datetime]::UtcNow }
            $arrivals | Should -HaveCount 5
            ($arrivals[-1] - $arrivals[0]).TotalMilliseconds | Should -BeGreaterThan 250
        }

        It 'Select-Object -First stops the stream early without an error' {
            Add-FakeReply @{ tokens = @(1..20 | ForEach-Object { "t$_ " }); delayMs = 50 }
            $first = Invoke-LlmChat 'x' -Client $client -Stream | Select-Object -First 2
            -join $first | Should -Be 't1 t2 '
        }
    }

    Context '-AsEvents' {
        It 'writes every event in order with consistent run ids' {
            Add-FakeReply @{ tokens = @('a', 'b') }
            $events = Invoke-LlmChat 'x' -Client $client -AsEvents -Tag t1 -Metadata @{ job = 7 }
            $events.EventName | Should -Be @('ChainStart', 'Text', 'ChatModelStart', 'LlmNewToken', 'LlmNewToken', 'LlmEnd', 'ChainEnd')
            $chain = $events[0].RunId
            $llm = $events[2].RunId
            $events | Where-Object EventName -In 'ChainStart', 'Text', 'ChainEnd' | ForEach-Object { $_.RunId | Should -Be $chain; $_.ParentRunId | Should -BeNullOrEmpty }
            $events | Where-Object EventName -In 'ChatModelStart', 'LlmNewToken', 'LlmEnd' | ForEach-Object { $_.RunId | Should -Be $llm; $_.ParentRunId | Should -Be $chain }
            $events | ForEach-Object { $_.Tags | Should -Be 't1'; $_.Metadata['job'] | Should -Be 7 }
            $events[5].Response.Text | Should -Be 'ab'
            ($events | Format-Table | Out-String) | Should -Match 'ChatModelStart'
        }
    }

    Context 'bad input, before any request' {
        It 'rejects <Name>' -ForEach @(
            @{ Name = 'an empty prompt'; Arguments = @{ Prompt = '' }; ErrorId = 'LlmEmptyPrompt,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidArgument' }
            @{ Name = 'a blank prompt'; Arguments = @{ Prompt = '   ' }; ErrorId = 'LlmEmptyPrompt,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidArgument' }
            @{ Name = 'temperature 2.5'; Arguments = @{ Prompt = 'x'; Temperature = 2.5 }; ErrorId = 'ParameterArgumentValidationError,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidData' }
            @{ Name = 'temperature -1'; Arguments = @{ Prompt = 'x'; Temperature = -1 }; ErrorId = 'ParameterArgumentValidationError,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidData' }
            @{ Name = 'MaxTokens 0'; Arguments = @{ Prompt = 'x'; MaxTokens = 0 }; ErrorId = 'ParameterArgumentValidationError,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidData' }
            @{ Name = 'TopP 1.5'; Arguments = @{ Prompt = 'x'; TopP = 1.5 }; ErrorId = 'ParameterArgumentValidationError,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidData' }
            @{ Name = 'five stop sequences'; Arguments = @{ Prompt = 'x'; Stop = 'a', 'b', 'c', 'd', 'e' }; ErrorId = 'ParameterArgumentValidationError,PsLlm.Commands.InvokeLlmChatCommand'; Category = 'InvalidData' }
        ) {
            $arguments = $Arguments
            $err = $null
            # Parameter validation fails the command; the engine's checks fail the item: both are caught here.
            try { Invoke-LlmChat @arguments -Client $client -ErrorAction Stop } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -Be $ErrorId
            $err.CategoryInfo.Category | Should -Be $Category
            Get-FakeRequest | Should -BeNullOrEmpty
        }

        It 'a bad item in the pipeline fails alone; the others are answered' {
            Add-FakeReply @{ text = 'A' }, @{ text = 'C' }
            $answers = 'a', '', 'c' | Invoke-LlmChat -Client $client -ErrorVariable err -ErrorAction SilentlyContinue
            $answers.Text | Should -Be @('A', 'C')
            $err.FullyQualifiedErrorId | Should -Be 'LlmEmptyPrompt,PsLlm.Commands.InvokeLlmChatCommand'
        }

        It 'OpenAI without a key is a terminating authentication error' {
            $c = New-LlmClient -Endpoint https://api.openai.com/v1
            { Invoke-LlmChat 'x' -Client $c } | Should -Throw -ErrorId 'LlmApiKeyMissing,PsLlm.Commands.InvokeLlmChatCommand'
        }
    }

    Context 'server errors' {
        It 'HTTP <Status> becomes <ErrorId> (<Category>)' -ForEach @(
            @{ Status = 401; ErrorId = 'LlmAuthenticationFailed'; Category = 'AuthenticationError' }
            @{ Status = 403; ErrorId = 'LlmPermissionDenied'; Category = 'PermissionDenied' }
            @{ Status = 404; ErrorId = 'LlmModelNotFound'; Category = 'ObjectNotFound' }
            @{ Status = 429; ErrorId = 'LlmRateLimited'; Category = 'LimitsExceeded' }
            @{ Status = 500; ErrorId = 'LlmServerError'; Category = 'ConnectionError' }
            @{ Status = 503; ErrorId = 'LlmServerError'; Category = 'ConnectionError' }
        ) {
            Add-FakeReply @{ status = $Status; errorMessage = "failure $Status"; headers = @{ 'Retry-After' = '3' } }
            $result = Invoke-LlmChat 'x' -Client $client -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PsLlm.Commands.InvokeLlmChatCommand"
            $err[0].CategoryInfo.Category | Should -Be $Category
            $err[0].Exception.StatusCode | Should -Be $Status
            $err[0].Exception.Message | Should -Match "failure $Status"
            $err[0].TargetObject | Should -Be 'x'
            $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'a broken connection keeps the partial text on the error record and in LlmError' {
            Add-FakeReply @{ tokens = @('partial ', 'answer ', 'lost'); disconnectAfterTokens = 2 }
            $script:llmError = $null
            $tokens = Invoke-LlmChat 'x' -Client $client -Stream -Callback @{ LlmError = { $script:llmError = $_ } } -ErrorVariable err -ErrorAction SilentlyContinue
            -join $tokens | Should -Be 'partial answer '
            $err[0].FullyQualifiedErrorId | Should -Be 'LlmConnectionFailed,PsLlm.Commands.InvokeLlmChatCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].Exception.PartialText | Should -Be 'partial answer '
            $err[0].Exception.PartialResponse.IsPartial | Should -BeTrue
            $script:llmError.PartialText | Should -Be 'partial answer '
        }

        It 'a refused connection is a ConnectionError' {
            $dead = New-LlmClient -Endpoint 'http://127.0.0.1:9/v1' -MaxRetries 0
            Invoke-LlmChat 'x' -Client $dead -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'LlmConnectionFailed,PsLlm.Commands.InvokeLlmChatCommand'
        }

        It 'retries a 429 and reports it as a Retry event' {
            $c = New-TestClient -MaxRetries 1
            Add-FakeReply @{ status = 429; errorMessage = 'busy'; headers = @{ 'Retry-After' = '0' } }, @{ text = 'after retry' }
            $events = Invoke-LlmChat 'x' -Client $c -AsEvents
            ($events | Where-Object EventName -EQ 'Retry').StatusCode | Should -Be 429
            ($events | Where-Object EventName -EQ 'LlmEnd').Response.Text | Should -Be 'after retry'
        }
    }

    Context 'Ctrl+C' {
        It 'stops promptly, cancels the request, keeps the streamed tokens and raises LlmError/ChainError' {
            Add-FakeReply @{ tokens = @(1..30 | ForEach-Object { "t$_ " }); delayMs = 100 }
            $errorsSeen = Register-ObjectEvent -InputObject $client -EventName LlmError -SourceIdentifier PesterCtrlC
            try {
                $ps = [powershell]::Create()
                $null = $ps.AddScript({ param($m, $c) Import-Module $m; Invoke-LlmChat 'x' -Client $c -Stream }).AddArgument($ModulePath).AddArgument($client)
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
                $deadline = [datetime]::UtcNow.AddSeconds(10)
                while ($output.Count -lt 3 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 1.5
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $output.Count | Should -BeGreaterOrEqual 3
                $output.Count | Should -BeLessThan 30
                $event = Wait-Event -SourceIdentifier PesterCtrlC -Timeout 5
                $event | Should -Not -BeNullOrEmpty
                $event.SourceEventArgs.Error.Kind | Should -Be 'Cancelled'
                $event.SourceEventArgs.PartialText | Should -BeLike 't1 t2 t3 *'
                $ps.Dispose()
            }
            finally {
                Unregister-Event -SourceIdentifier PesterCtrlC
                Get-Event -SourceIdentifier PesterCtrlC -ErrorAction SilentlyContinue | Remove-Event
            }
        }
    }
}
