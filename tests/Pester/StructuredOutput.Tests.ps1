BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
}

Describe 'Structured output' {
    BeforeEach { Reset-FakeServer }

    It '-JsonSchema (hashtable) sends a strict schema and -AsObject writes nested objects' {
        Add-FakeReply @{ text = '{"answer":"same","steps":["weigh","compare"],"detail":{"unit":"lb"}}' }
        $schema = [ordered]@{
            type = 'object'
            properties = [ordered]@{ answer = @{ type = 'string' }; steps = @{ type = 'array'; items = @{ type = 'string' } }; detail = @{ type = 'object'; properties = @{ unit = @{ type = 'string' } }; required = @('unit'); additionalProperties = $false } }
            required = @('answer', 'steps', 'detail')
            additionalProperties = $false
        }
        $result = Invoke-LlmChat 'Which is heavier?' -Client $client -JsonSchema $schema -SchemaName weight_answer -AsObject
        $result | Should -BeOfType System.Management.Automation.PSCustomObject
        $result.answer | Should -Be 'same'
        $result.steps | Should -Be @('weigh', 'compare')
        $result.detail.unit | Should -Be 'lb'
        $format = ((Get-FakeRequest)[0].body | ConvertFrom-Json).response_format
        $format.type | Should -Be 'json_schema'
        $format.json_schema.name | Should -Be 'weight_answer'
        $format.json_schema.strict | Should -BeTrue
        $format.json_schema.schema.required | Should -Be @('answer', 'steps', 'detail')
    }

    It '-JsonSchema takes JSON text, and the response carries the parsed Object' {
        Add-FakeReply @{ text = '{"n":3}' }
        $r = Invoke-LlmChat 'x' -Client $client -JsonSchema '{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}'
        $r | Should -BeOfType PsLlm.ChatResponse
        $r.Object.n | Should -Be 3
        $r.Text | Should -Be '{"n":3}'
    }

    It '-ResponseFormat Json asks for JSON mode' {
        Add-FakeReply @{ text = '{"red":"#FF0000"}' }
        (Invoke-LlmChat 'x' -Client $client -ResponseFormat Json -AsObject).red | Should -Be '#FF0000'
        ((Get-FakeRequest)[0].body | ConvertFrom-Json).response_format.type | Should -Be 'json_object'
    }

    It 'an answer that is not JSON is an error that keeps the raw text' {
        Add-FakeReply @{ text = 'Here you go: {broken' }
        $out = Invoke-LlmChat 'x' -Client $client -ResponseFormat Json -AsObject -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmInvalidJson,PsLlm.Commands.InvokeLlmChatCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $err[0].Exception.PartialText | Should -Be 'Here you go: {broken'
    }

    It 'a refusal is surfaced as such' {
        Add-FakeReply @{ refusal = 'I cannot help with that.' }
        Invoke-LlmChat 'x' -Client $client -JsonSchema '{"type":"object"}' -AsObject -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmRefused,PsLlm.Commands.InvokeLlmChatCommand'
        $err[0].Exception.PartialResponse.Refusal | Should -Be 'I cannot help with that.'
    }

    It 'rejects a schema that is neither JSON text nor a hashtable, before sending' {
        { Invoke-LlmChat 'x' -Client $client -JsonSchema 42 -ErrorAction Stop } | Should -Throw -ErrorId 'LlmInvalidJsonSchema,PsLlm.Commands.InvokeLlmChatCommand'
        Get-FakeRequest | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-LlmChain' {
    BeforeEach { Reset-FakeServer; Get-LlmCallback | Unregister-LlmCallback }

    It 'outputs the block''s output and wraps it in ChainStart/ChainEnd' {
        Add-FakeReply @{ text = 'draft' }, @{ text = 'polished' }
        $script:events = [System.Collections.Generic.List[object]]::new()
        $out = Invoke-LlmChain -Name 'write' -Callback { $script:events.Add($_) } -ScriptBlock {
            $draft = Invoke-LlmChat 'draft it' -Client $client
            (Invoke-LlmChat "polish: $($draft.Text)" -Client $client).Text
            'done'
        }
        $out | Should -Be @('polished', 'done')
        $script:events[0].EventName | Should -Be 'ChainStart'
        $script:events[0].Name | Should -Be 'write'
        $script:events[-1].EventName | Should -Be 'ChainEnd'
        # -Callback given to the chain reached both chats inside it.
        @($script:events | Where-Object EventName -EQ 'LlmEnd').Count | Should -Be 2
    }

    It 'nested chains give the full event tree through -AsEvents' {
        Add-FakeReply @{ text = 'a' }, @{ text = 'b' }
        $events = Invoke-LlmChain -Name outer -Tag batch -AsEvents -ScriptBlock {
            $null = Invoke-LlmChat 'first' -Client $client
            Invoke-LlmChain -Name inner -ScriptBlock { $null = Invoke-LlmChat 'second' -Client $client }
        }
        $starts = $events | Where-Object EventName -EQ 'ChainStart'
        ($starts | ForEach-Object Name) | Should -Be @('outer', 'Invoke-LlmChat', 'inner', 'Invoke-LlmChat')
        $outer, $chat1, $inner, $chat2 = $starts
        $outer.ParentRunId | Should -BeNullOrEmpty
        $chat1.ParentRunId | Should -Be $outer.RunId
        $inner.ParentRunId | Should -Be $outer.RunId
        $chat2.ParentRunId | Should -Be $inner.RunId
        ($events | Where-Object EventName -EQ 'ChatModelStart' | Select-Object -Last 1).ParentRunId | Should -Be $chat2.RunId
        $events | ForEach-Object { $_.Tags | Should -Contain 'batch' }
        $events[-1].EventName | Should -Be 'ChainEnd'
        $events[-1].RunId | Should -Be $outer.RunId
    }

    It 'a failing block raises ChainError and fails the command' {
        $script:errors = [System.Collections.Generic.List[object]]::new()
        { Invoke-LlmChain -Name broken -Callback @{ ChainError = { $script:errors.Add($_) } } -ScriptBlock { throw 'step failed' } } | Should -Throw '*step failed*'
        $script:errors.Count | Should -Be 1
        $script:errors[0].Name | Should -Be 'broken'
    }

    It 'writes the block''s non-terminating errors to its own error stream' {
        $ErrorActionPreference = 'Continue'   # TestSetup makes errors terminating for the file
        $out = Invoke-LlmChain -Name noisy -ScriptBlock { Write-Error 'soft failure'; 'still here' } -ErrorVariable chainErrors 2>$null
        $out | Should -Be 'still here'
        $chainErrors.Count | Should -Be 1
        "$($chainErrors[0])" | Should -Be 'soft failure'
    }

    It 'passes -InputObject to the block' {
        'in' | Invoke-LlmChain -Name echo -ScriptBlock { "got $($args[0])" } | Should -Be 'got in'
    }
}
