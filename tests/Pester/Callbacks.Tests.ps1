BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    # A class deriving from a module type must be parsed after Import-Module (or use `using module`).
    . $PSScriptRoot/TokenCounter.ps1
}

Describe 'Register-LlmCallback, Get-LlmCallback, Unregister-LlmCallback' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }
    AfterAll { Remove-AllLlmCallbacks }

    It '-Action receives the event as $_ and $args[0], for the named events only' {
        $script:seen = [System.Collections.Generic.List[object]]::new()
        $reg = Register-LlmCallback -EventName LlmNewToken, LlmEnd -Action { $script:seen.Add([pscustomobject]@{ Dollar = $_; Arg = $args[0] }) } -Name watch
        $reg | Should -BeOfType PsLlm.CallbackRegistration
        $reg.Scope | Should -Be 'Session'
        Add-FakeReply @{ tokens = @('a', 'b') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        $script:seen.Dollar.EventName | Should -Be @('LlmNewToken', 'LlmNewToken', 'LlmEnd')
        $script:seen | ForEach-Object { [object]::ReferenceEquals($_.Dollar, $_.Arg) | Should -BeTrue }
        $script:seen[2].Dollar.Response.Text | Should -Be 'ab'
    }

    It '* receives every event' {
        $script:names = [System.Collections.Generic.List[string]]::new()
        $null = Register-LlmCallback -EventName * -Action { $script:names.Add($_.EventName) }
        Add-FakeReply @{ text = 'hi' }
        $null = Invoke-LlmChat 'x' -Client $client
        $script:names | Should -Be @('ChainStart', 'Text', 'ChatModelStart', 'LlmEnd', 'ChainEnd')
    }

    It 'LlmStart is delivered as the fallback for ChatModelStart' {
        $script:prompts = $null
        $null = Register-LlmCallback -EventName LlmStart -Action { $script:prompts = $_.Prompts }
        Add-FakeReply @{ text = 'hi' }
        $null = Invoke-LlmChat 'question' -System 'rules' -Client $client
        $script:prompts | Should -Be "system: rules`nuser: question"
    }

    It 'rejects an unknown event name, listing the valid ones' {
        { Register-LlmCallback -EventName LlmToken -Action {} } | Should -Throw -ErrorId 'LlmUnknownEventName,PsLlm.Commands.RegisterLlmCallbackCommand' -ExpectedMessage '*LlmNewToken*'
        Get-LlmCallback | Should -BeNullOrEmpty
    }

    It 'completes event names' {
        $completions = TabExpansion2 -inputScript 'Register-LlmCallback -EventName LlmN' -cursorColumn 36
        $completions.CompletionMatches.CompletionText | Should -Contain 'LlmNewToken'
    }

    It '-Handler takes a PowerShell class deriving from PsLlm.CallbackHandler' {
        $counter = [TokenCounter]::new()
        $null = Register-LlmCallback -Handler $counter
        Add-FakeReply @{ tokens = @('x', 'y', 'z') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        $counter.Tokens | Should -Be 3
        $counter.FinalText | Should -Be 'xyz'
    }

    It '-Client scopes a callback to that client' {
        $other = New-TestClient
        $script:hits = 0
        $reg = Register-LlmCallback -EventName LlmEnd -Client $other -Action { $script:hits++ }
        $reg.Scope | Should -Be 'Client'
        Add-FakeReply @{ text = '1' }, @{ text = '2' }
        $null = Invoke-LlmChat 'x' -Client $client
        $script:hits | Should -Be 0
        $null = Invoke-LlmChat 'x' -Client $other
        $script:hits | Should -Be 1
    }

    It 'New-LlmClient -Callback fires for that client''s chats' {
        $script:clientHits = 0
        $c = New-TestClient -Callback @{ LlmEnd = { $script:clientHits++ } }
        Add-FakeReply @{ text = '1' }
        $null = Invoke-LlmChat 'x' -Client $c
        $script:clientHits | Should -Be 1
    }

    It 'Invoke-LlmChat -Callback takes a scriptblock, a hashtable and a handler object' {
        $script:all = 0; $script:ends = 0
        $counter = [TokenCounter]::new()
        Add-FakeReply @{ tokens = @('p', 'q') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream -Callback { $script:all++ }, @{ LlmEnd = { $script:ends++ } }, $counter
        $script:all | Should -Be 7
        $script:ends | Should -Be 1
        $counter.Tokens | Should -Be 2
    }

    It 'a failing callback becomes a warning and the chat goes on' {
        $null = Register-LlmCallback -EventName LlmNewToken -Action { throw 'callback broke' } -Name fragile
        Add-FakeReply @{ tokens = @('still ', 'works') }
        $tokens = Invoke-LlmChat 'x' -Client $client -Stream -WarningVariable warnings -WarningAction SilentlyContinue
        -join $tokens | Should -Be 'still works'
        # One warning for the handler and the run, however many events it failed on.
        $warnings | Should -HaveCount 1
        $warnings[0] | Should -Match "fragile.*failed on 2 events \(LlmNewToken ×2\).*callback broke"
    }

    It '-RaiseError makes a failing callback stop the run' {
        $null = Register-LlmCallback -EventName LlmNewToken -Action { if ($_.Index -eq 1) { throw 'stop here' } } -RaiseError
        Add-FakeReply @{ tokens = @('one ', 'two ', 'three'); delayMs = 30 }
        $tokens = Invoke-LlmChat 'x' -Client $client -Stream -ErrorVariable err -ErrorAction SilentlyContinue
        -join $tokens | Should -Be 'one '
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmCallbackFailed,PsLlm.Commands.InvokeLlmChatCommand'
        $err[0].CategoryInfo.Category | Should -Be 'OperationStopped'
        $err[0].Exception.PartialText | Should -Be 'one two '
    }

    It 'Get-LlmCallback finds by name, wildcard and id; Unregister-LlmCallback removes by object, name and id' {
        $a = Register-LlmCallback -EventName LlmEnd -Action {} -Name alpha
        $b = Register-LlmCallback -EventName LlmEnd -Action {} -Name beta
        $c = Register-LlmCallback -EventName LlmEnd -Action {} -Name gamma
        (Get-LlmCallback).Name | Should -Be @('alpha', 'beta', 'gamma')
        (Get-LlmCallback -Name 'a*').Name | Should -Be 'alpha'
        (Get-LlmCallback -Id $b.Id).Name | Should -Be 'beta'
        Get-LlmCallback -Name nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmCallbackNotFound,PsLlm.Commands.GetLlmCallbackCommand'

        $a | Unregister-LlmCallback -WhatIf
        (Get-LlmCallback).Count | Should -Be 3
        $a | Unregister-LlmCallback
        Unregister-LlmCallback -Name beta
        Unregister-LlmCallback -Id $c.Id
        Get-LlmCallback | Should -BeNullOrEmpty
        Unregister-LlmCallback -Id 999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'an unregistered callback no longer fires' {
        $script:count = 0
        $reg = Register-LlmCallback -EventName LlmEnd -Action { $script:count++ }
        Add-FakeReply @{ text = '1' }, @{ text = '2' }
        $null = Invoke-LlmChat 'x' -Client $client
        $reg | Unregister-LlmCallback
        $null = Invoke-LlmChat 'x' -Client $client
        $script:count | Should -Be 1
    }
}

Describe 'What handler authors can and cannot do' {
    BeforeAll { . $PSScriptRoot/NamedCounter.ps1 }
    AfterEach { Remove-AllLlmCallbacks }

    It 'a PowerShell class names its handler, and registrations and warnings use that name' {
        $counter = [NamedCounter]::new()
        $counter.Name | Should -Be 'Counter of ends'
        (Register-LlmCallback -Handler $counter).Name | Should -Be 'Counter of ends'
        $null = Invoke-LlmChat 'x' -Client (New-TestClient)
        $counter.Ends | Should -Be 1
        $counter.Name = $null
        $counter.Name | Should -Be 'NamedCounter'
    }

    It 'builds stamped events to test a handler, without a chat' {
        $run = [guid]::NewGuid()
        $parent = [guid]::NewGuid()
        $built = [PsLlm.LlmEndEvent]@{ RunId = $run; ParentRunId = $parent; Tags = [string[]]('unit'); Response = [PsLlm.ChatResponse]@{ Text = 'hi'; FinishReason = 'stop' } }
        $built.RunId | Should -Be $run
        $built.ParentRunId | Should -Be $parent
        $built.Tags | Should -Be 'unit'

        $blank = [PsLlm.LlmEndEvent]@{ Response = [PsLlm.ChatResponse]@{ Text = 'hi' } }
        $stamped = $blank.WithRun($run, $parent, 'unit', @{ case = 1 })
        $stamped | Should -BeOfType PsLlm.LlmEndEvent
        $stamped.RunId, $stamped.ParentRunId | Should -Be $run, $parent
        $stamped.Tags | Should -Be 'unit'
        $stamped.Metadata.case | Should -Be 1
        $stamped.Response.Text | Should -Be 'hi'
        $blank.RunId | Should -Be ([guid]::Empty) -Because 'the event it was copied from is not changed'

        $counter = [NamedCounter]::new()
        $counter.Handle($stamped)
        $counter.Ends | Should -Be 1
        $counter.LastRunId | Should -Be $run
    }

    It 'a raised event carries the run''s identity, not what its builder gave it' {
        $counter = [NamedCounter]::new()
        $response = Invoke-LlmChat 'x' -Client (New-TestClient) -Callback $counter
        $counter.LastRunId | Should -Be $response.RunId
    }

    It 'cannot raise a client''s events or make a client the default by setting IsDefault' {
        $client = New-TestClient
        $event = [PsLlm.TextEvent]@{ Text = 'forged' }
        { $client.RaiseEvent($event) } | Should -Throw -ErrorId 'MethodNotFound'
        { $client.IsDefault = $true } | Should -Throw -ErrorId 'PropertyAssignmentException'
        $client.IsDefault | Should -BeFalse
        [PsLlm.LlmEventSource].GetMethod('RaiseEvent') | Should -BeNullOrEmpty
        [PsLlm.LlmClient].GetProperty('IsDefault').SetMethod.IsPublic | Should -BeFalse
    }

    It 'a script defines its handler class in a file dot-sourced after Import-Module, as the README says' {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) "psllm-class-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory $folder
        try {
            Set-Content (Join-Path $folder 'Counter.ps1') @'
class Counter : PsLlm.CallbackHandler {
    [int] $Ends
    Counter() { $this.Name = 'Counter' }
    [void] OnLlmEnd([PsLlm.LlmEndEvent] $e) { $this.Ends++ }
}
'@
            Set-Content (Join-Path $folder 'main.ps1') @'
param($ModulePath, $Endpoint)
Import-Module $ModulePath
. $PSScriptRoot/Counter.ps1
$counter = [Counter]::new()
$null = Invoke-LlmChat 'hi' -Client (New-LlmClient -Endpoint $Endpoint -Model fake-model) -Callback $counter
"$($counter.Name) $($counter.Ends)"
'@
            & $Pwsh -NoProfile -File (Join-Path $folder 'main.ps1') -ModulePath $ModulePath -Endpoint $Endpoint | Should -Be 'Counter 1'
            $LASTEXITCODE | Should -Be 0
        }
        finally {
            Remove-Item $folder -Recurse -Force
        }
    }
}
