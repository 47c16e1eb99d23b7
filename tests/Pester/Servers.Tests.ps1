BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
}

# What a user sees when a server speaks its own dialect of the OpenAI API. The fake server replays
# real servers' bytes (its dialect cases; see tests/PsLlm.FakeOpenAI/Dialects/DialectLibrary.cs).
Describe 'Servers that speak their own dialect' {
    BeforeEach { Reset-FakeServer }

    It 'keeps reasoning apart from the answer; -Stream writes it only with -IncludeReasoning' {
        Add-FakeReply @{ dialect = 'deepseek-reasoning-content' }
        $tokens = Invoke-LlmChat 'hi' -Client $client -Stream
        -join $tokens.Text | Should -Be 'Hello'
        $tokens.Kind | Sort-Object -Unique | Should -Be 'Text'

        Add-FakeReply @{ dialect = 'deepseek-reasoning-content' }
        $all = Invoke-LlmChat 'hi' -Client $client -Stream -IncludeReasoning -PassThru
        $response = $all[-1]
        $response | Should -BeOfType PsLlm.ChatResponse
        -join ($all | Where-Object { $_ -is [PsLlm.ChatToken] -and $_.Kind -eq 'Reasoning' }).Text | Should -Be 'A simple greeting.'
        $response.Text | Should -Be 'Hello'
        $response.Reasoning | Should -Be 'A simple greeting.'
        $response.Usage.ReasoningTokens | Should -Be 117
        $response.Usage.CachedInputTokens | Should -Be 1
    }

    It 'reads a finish reason the OpenAI SDK does not know (<dialect>, streamed: <streamed>)' -ForEach @(
        @{ dialect = 'together-eos'; streamed = $false; reason = 'stop' }
        @{ dialect = 'together-eos'; streamed = $true; reason = 'stop' }
        @{ dialect = 'mistral-model-length'; streamed = $true; reason = 'length' }
        @{ dialect = 'koboldcpp-null-string-finish'; streamed = $true; reason = 'stop' }
    ) {
        Add-FakeReply @{ dialect = $dialect }
        $chat = @{ Client = $client }
        if ($streamed) { $chat.Stream = $true; $chat.PassThru = $true }
        $response = Invoke-LlmChat 'hi' @chat | Select-Object -Last 1
        $response.Text | Should -BeLike 'Hello*'
        $response.FinishReason | Should -Be $reason
    }

    It 'a stream that stops short fails with its partial text, and the session is unchanged' {
        $session = New-LlmChatSession -Client $client
        Add-FakeReply @{ dialect = 'ollama-stream-ends-short' }
        $tokens = Invoke-LlmChat 'hi' -Session $session -Stream -ErrorVariable failed -ErrorAction SilentlyContinue -WarningVariable warned -WarningAction SilentlyContinue
        -join $tokens.Text | Should -Be 'Hel'
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmIncompleteResponse,PsLlm.Commands.InvokeLlmChatCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failed[0].Exception.PartialText | Should -Be 'Hel'
        $failed[0].Exception.PartialResponse.IsPartial | Should -BeTrue
        $session.Messages | Should -BeNullOrEmpty
        $warned | Should -Match 'unchanged'
    }

    It 'an error inside the stream is the server''s own, even when [DONE] follows it' {
        Add-FakeReply @{ dialect = 'vllm-error-frame-then-done' }
        $null = Invoke-LlmChat 'hi' -Client $client -Stream -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmServerError,PsLlm.Commands.InvokeLlmChatCommand'
        $failed[0].Exception.Message | Should -Match 'Internal server error'
        $failed[0].Exception.PartialText | Should -Be 'Hel'
        $failed[0].Exception.StatusCode | Should -Be 500
    }

    It 'a proxy page is reported by its title, its body kept on the exception (streamed: <streamed>)' -ForEach @(
        @{ streamed = $false }, @{ streamed = $true }
    ) {
        Add-FakeReply @{ dialect = 'html-page-200' }
        $chat = @{ Client = $client; ErrorVariable = 'failed'; ErrorAction = 'SilentlyContinue' }
        if ($streamed) { $chat.Stream = $true }
        $null = Invoke-LlmChat 'hi' @chat
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmInvalidResponse,PsLlm.Commands.InvokeLlmChatCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failed[0].Exception.Message | Should -Match '"Access Denied - Corporate Proxy"'
        $failed[0].Exception.Message | Should -Not -Match '<body>'
        $failed[0].Exception.ResponseBody | Should -Match 'Policy blocks this site'
    }

    It 'sends Gemini''s thought signature back with the tool call it came with' {
        $weather = New-LlmTool -Name get_weather -Description 'Weather of a city.' -ScriptBlock { param([string] $city) "sunny in $city" }
        Add-FakeReply @{ dialect = 'gemini-thought-signature' }, @{ text = 'It is sunny.' }
        (Invoke-LlmChat 'Weather in Paris?' -Client $client -Tool $weather -Confirm:$false).Text | Should -Be 'It is sunny.'
        $followUp = (Get-FakeRequest)[1].body | ConvertFrom-Json
        $call = ($followUp.messages | Where-Object role -EQ 'assistant').tool_calls[0]
        $call.id | Should -Be 'call_297140'
        $call.extra_content.google.thought_signature | Should -Be 'CrICAdHtim827fQ'
    }

    It 'fails at once when a server asks to wait longer than -MaxRetryDelay' {
        $patient = New-LlmClient -Endpoint $Endpoint -Model fake-model -MaxRetries 3 -MaxRetryDelay 30
        Add-FakeReply @{ status = 429; errorMessage = 'daily quota'; headers = @{ 'Retry-After' = '3600' } }
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-LlmChat 'hi' -Client $patient -ErrorVariable failed -ErrorAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $failed[0].FullyQualifiedErrorId | Should -Be 'LlmRateLimited,PsLlm.Commands.InvokeLlmChatCommand'
        $failed[0].Exception.RetryAfter | Should -Be ([timespan]::FromHours(1))
        @(Get-FakeRequest) | Should -HaveCount 1
    }

    It 'a Retry event says what was waited and why' {
        $retrying = New-LlmClient -Endpoint $Endpoint -Model fake-model -MaxRetries 1
        Add-FakeReply @{ status = 503; errorMessage = 'busy'; headers = @{ 'retry-after-ms' = '200' } }, @{ text = 'ok' }
        $events = Invoke-LlmChat 'hi' -Client $retrying -AsEvents
        $retry = $events | Where-Object EventName -EQ Retry
        $retry.Delay | Should -Be ([timespan]::FromMilliseconds(200))
        $retry.Reason | Should -Be 'HTTP 503'
        ($events | Where-Object EventName -EQ LlmEnd).Response.Text | Should -Be 'ok'
    }
}
