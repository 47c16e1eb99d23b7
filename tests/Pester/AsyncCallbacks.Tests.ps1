# Register-LlmCallback -Async, Receive-LlmCallback, Wait-LlmCallback, async -Callback entries and
# PsLlm.AsyncCallbackHandler from PowerShell. Whether the chat waits is decided by gates the chat
# must pass (a sync callback releasing an async one), never by timing.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
}

Describe 'Register-LlmCallback -Async' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }
    AfterAll { Remove-AllLlmCallbacks }

    It 'runs the scriptblock in a runspace of its own with PsLlm, the caller''s location, the event as $_ and $args[0], then -ArgumentList' {
        Push-Location $TestDrive
        try {
            $callerOnly = 'not visible there'
            $reg = Register-LlmCallback LlmEnd -Async -Name probe -ArgumentList 'first', 2 -Action {
                [pscustomobject]@{
                    Same      = [object]::ReferenceEquals($_, $args[0])
                    Rest      = $args[1..2]
                    Runspace  = [runspace]::DefaultRunspace.InstanceId
                    HasModule = [bool](Get-Command Invoke-LlmChat -ErrorAction Ignore)
                    Location  = (Get-Location).Path
                    Caller    = $callerOnly
                    Text      = $_.Response.Text
                }
            }
        }
        finally { Pop-Location }
        $reg.Async | Should -BeTrue
        $reg.AsyncHandler | Should -BeOfType PsLlm.AsyncCallbackHandler
        Add-FakeReply @{ text = 'hello' }
        $null = Invoke-LlmChat 'x' -Client $client
        $out = @(Receive-LlmCallback probe -Wait)
        $out.Count | Should -Be 1
        $out[0].Same | Should -BeTrue
        $out[0].Rest | Should -Be @('first', 2)
        $out[0].Runspace | Should -Not -Be ([runspace]::DefaultRunspace.InstanceId)
        $out[0].HasModule | Should -BeTrue
        $out[0].Location | Should -Be (Get-Item $TestDrive).FullName
        $out[0].Caller | Should -BeNullOrEmpty
        $out[0].Text | Should -Be 'hello'
        @(Receive-LlmCallback probe) | Should -BeNullOrEmpty -Because 'what is received is removed'
    }

    It 'sees every event in order with the same RunId, ParentRunId, Tags and Metadata as a synchronous callback' {
        $script:syncSeen = [System.Collections.Generic.List[string]]::new()
        $null = Register-LlmCallback * -Name sync -Action { $script:syncSeen.Add("$($_.EventName) $($_.RunId) $($_.ParentRunId) $($_.Tags -join ',') $($_.Metadata['user'])") }
        $null = Register-LlmCallback * -Async -Name async -Action { "$($_.EventName) $($_.RunId) $($_.ParentRunId) $($_.Tags -join ',') $($_.Metadata['user'])" }
        Add-FakeReply @{ tokens = @('a', 'b', 'c') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream -Tag nightly -Metadata @{ user = 'ada' }
        $asyncSeen = @(Receive-LlmCallback async -Wait)
        $asyncSeen | Should -Be @($script:syncSeen)
        $asyncSeen.Count | Should -Be 8
        $asyncSeen[0] | Should -Match '^ChainStart .+ nightly ada$'
    }

    It 'does not hold the stream: the chat reaches LlmEnd while the async LlmStart is still waiting' {
        $gate = [System.Threading.ManualResetEventSlim]::new()
        # The async LlmStart can only finish once a sync callback at LlmEnd opens the gate.
        $null = Register-LlmCallback LlmStart -Async -Name sleeper -ArgumentList $gate -Action { param($e, $gate) $gate.Wait(20000) }
        $null = Register-LlmCallback LlmEnd -Name opener -Action { $gate.Set() }.GetNewClosure()
        Add-FakeReply @{ tokens = @('a', 'b', 'c', 'd') }
        $text = (Invoke-LlmChat 'x' -Client $client -Stream -PassThru)[-1].Text
        $text | Should -Be 'abcd'
        Receive-LlmCallback sleeper -Wait | Should -BeTrue -Because 'the gate was opened by the chat while LlmStart waited'
    }

    It '-AwaitEvent makes the chat wait at those events and only there' {
        $state = [System.Collections.Concurrent.ConcurrentDictionary[string, object]]::new()
        $firstToken = [System.Threading.ManualResetEventSlim]::new()
        # ChatModelStart (LlmStart) is not awaited: it waits for a token the chat must stream first.
        # LlmEnd is awaited: its work is done before the next callback sees LlmEnd.
        $null = Register-LlmCallback ChatModelStart, LlmEnd -Async -Name worker -AwaitEvent LlmEnd -ArgumentList $state, $firstToken -Action {
            param($e, $state, $firstToken)
            if ($e.EventName -eq 'ChatModelStart') { $state['startReleased'] = $firstToken.Wait(20000) }
            else { Start-Sleep -Milliseconds 50; $state['endDone'] = $true }
        }
        $null = Register-LlmCallback LlmNewToken, LlmEnd -Name checker -Action {
            if ($_.EventName -eq 'LlmNewToken') { $firstToken.Set() } else { $state['endDoneAtLlmEnd'] = $state.ContainsKey('endDone') }
        }.GetNewClosure()
        Add-FakeReply @{ tokens = @('a', 'b') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        $state['endDoneAtLlmEnd'] | Should -BeTrue
        $state['startReleased'] | Should -BeTrue
    }

    It 'an awaited event past -AwaitTimeout is a warning and the chat goes on' {
        $gate = [System.Threading.ManualResetEventSlim]::new()
        $null = Register-LlmCallback LlmEnd -Async -Name late -RaiseError -AwaitEvent LlmEnd -AwaitTimeout 0.1 -ArgumentList $gate -Action { param($e, $gate) $null = $gate.Wait(20000) }
        Add-FakeReply @{ text = 'ok' }
        $r = Invoke-LlmChat 'x' -Client $client -WarningVariable w -WarningAction SilentlyContinue
        $r.Text | Should -Be 'ok'
        "$w" | Should -BeLike "*Async handler 'late' did not finish LlmEnd within 0.1 s; the chat went on*"
        $gate.Set()
        Wait-LlmCallback late -Timeout 20
    }

    It 'keeps errors, warnings and information in order for Receive-LlmCallback, and says a failure in a warning' {
        $null = Register-LlmCallback LlmEnd -Async -Name noisy -Action {
            'out 1'
            Write-Warning 'careful'
            Write-Host 'to the host'
            Write-Error 'written error'
            'out 2'
        }
        Add-FakeReply @{ text = 'ok' }
        $null = Invoke-LlmChat 'x' -Client $client -WarningVariable w1 -WarningAction SilentlyContinue
        Wait-LlmCallback noisy -WarningVariable w2 -WarningAction SilentlyContinue
        "$w1 $w2" | Should -BeLike '*noisy lost 1 event (dropped so far: 0, failed: 1); the last failure: LlmEnd: written error*'

        $all = Receive-LlmCallback noisy -Keep -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue -InformationVariable info 6>$null
        $all | Should -Be @('out 1', 'out 2')
        "$warns" | Should -Be 'careful'
        "$info" | Should -Be 'to the host'
        $errs.Count | Should -Be 1
        "$($errs[0])" | Should -Be 'written error'
        # -Keep left them; six records in the order written, 2>&1 and 3>&1 merged.
        $merged = Receive-LlmCallback noisy -ErrorAction Continue 2>&1 3>&1 6>&1
        $merged.Count | Should -Be 5
        "$($merged[1])" | Should -Be 'careful'
        $merged[3] | Should -BeOfType System.Management.Automation.ErrorRecord
        @(Receive-LlmCallback noisy -ErrorAction Continue 2>&1) | Should -BeNullOrEmpty
    }

    It 'a thrown error is kept and counted; the chat goes on' {
        $reg = Register-LlmCallback LlmEnd -Async -Name thrower -Action { throw 'cannot reach the audit store' }
        Add-FakeReply @{ text = 'ok' }
        (Invoke-LlmChat 'x' -Client $client -WarningAction SilentlyContinue).Text | Should -Be 'ok'
        Wait-LlmCallback thrower -WarningAction SilentlyContinue
        $reg.AsyncHandler.Failed | Should -Be 1
        Receive-LlmCallback thrower -ErrorVariable errs -ErrorAction SilentlyContinue
        "$($errs[0])" | Should -Be 'cannot reach the audit store'
    }

    It 'with -RaiseError a failure stops the run at the next event once it is known' {
        $script:reg = Register-LlmCallback LlmNewToken -Async -RaiseError -Name guard -Action { if ($_.Index -eq 0) { throw 'stop here' } }
        # The second token is held on the chat's thread until the failure of the first is known.
        $null = Register-LlmCallback LlmNewToken -Name holder -Action {
            if ($_.Index -eq 1) { $deadline = [datetime]::UtcNow.AddSeconds(20); while ($script:reg.AsyncHandler.Failed -eq 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 } }
        }
        Add-FakeReply @{ tokens = @('a', 'b', 'c', 'd', 'e') }
        $null = Invoke-LlmChat 'x' -Client $client -Stream -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmCallbackFailed,PsLlm.Commands.InvokeLlmChatCommand'
        $err[0].Exception.Message | Should -BeLike "*'guard' failed on LlmNewToken and stopped the run at LlmNewToken: stop here*"
        $err[0].Exception.PartialText | Should -Not -Be 'abcde'
    }

    It 'drops the newest events when the queue is full and says how many, or with -Overflow Block loses none' {
        $gate = [System.Threading.ManualResetEventSlim]::new()
        $drop = Register-LlmCallback LlmNewToken -Async -Name dropper -QueueCapacity 1 -ArgumentList $gate -Action { param($e, $gate) $null = $gate.Wait(20000) }
        Add-FakeReply @{ tokens = @(1..20 | ForEach-Object { "t$_ " }) }
        $null = Invoke-LlmChat 'x' -Client $client -Stream -WarningVariable w -WarningAction SilentlyContinue
        $gate.Set()
        Wait-LlmCallback dropper -WarningVariable w2 -WarningAction SilentlyContinue
        $drop.AsyncHandler.Dropped | Should -BeGreaterThan 0
        $drop.AsyncHandler.Dropped + $drop.AsyncHandler.Processed | Should -Be 20
        "$w $w2" | Should -BeLike "*dropper lost * events (dropped so far: $($drop.AsyncHandler.Dropped), failed: 0)*"
        Unregister-LlmCallback -Name dropper

        $block = Register-LlmCallback LlmNewToken -Async -Name blocker -QueueCapacity 1 -Overflow Block -Action { Start-Sleep -Milliseconds 2; $_.Token }
        Add-FakeReply @{ tokens = @(1..20 | ForEach-Object { "t$_ " }) }
        $null = Invoke-LlmChat 'x' -Client $client -Stream
        (Receive-LlmCallback blocker -Wait) -join '' | Should -Be ((1..20 | ForEach-Object { "t$_ " }) -join '')
        $block.AsyncHandler.Dropped | Should -Be 0
    }

    It 'Wait-LlmCallback -Timeout reports a handler still busy; Unregister-LlmCallback -Timeout 0 stops it and says what was lost' {
        $null = Register-LlmCallback LlmEnd -Async -Name slow -Action { Start-Sleep -Seconds 20 }
        Add-FakeReply @{ text = 'ok' }
        $null = Invoke-LlmChat 'x' -Client $client
        Wait-LlmCallback slow -Timeout 0.2 -ErrorVariable late -ErrorAction SilentlyContinue
        $late[0].FullyQualifiedErrorId | Should -Be 'LlmCallbackWaitTimeout,PsLlm.Commands.WaitLlmCallbackCommand'
        $late[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $late[0].Exception.Message | Should -BeLike "*'slow' still has 1 event to handle*"
        $reg = Get-LlmCallback slow
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        Unregister-LlmCallback -Name slow -Timeout 0 -WarningVariable w -WarningAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'the sleeping scriptblock is stopped, not waited for'
        $reg.AsyncHandler.IsStopped | Should -BeTrue
        "$w" | Should -BeLike '*slow lost 1 event*'
        Get-LlmCallback | Should -BeNullOrEmpty
    }

    It 'Receive-LlmCallback and Wait-LlmCallback refuse a synchronous callback asked for by name' {
        $null = Register-LlmCallback LlmEnd -Name plain -Action { }
        { Receive-LlmCallback plain -ErrorAction Stop } | Should -Throw -ErrorId 'LlmCallbackNotAsync,PsLlm.Commands.ReceiveLlmCallbackCommand'
        { Wait-LlmCallback -Name plain -ErrorAction Stop } | Should -Throw -ErrorId 'LlmCallbackNotAsync,PsLlm.Commands.WaitLlmCallbackCommand'
        @(Receive-LlmCallback pl*) | Should -BeNullOrEmpty
        { Receive-LlmCallback nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'LlmCallbackNotFound,PsLlm.Commands.ReceiveLlmCallbackCommand'
    }

    It 'refuses async-only parameters for a synchronous callback, before registering anything' -ForEach @(
        @{ Extra = @{ ArgumentList = 1 } }
        @{ Extra = @{ QueueCapacity = 5 } }
        @{ Extra = @{ Overflow = 'Block' } }
        @{ Extra = @{ AwaitEvent = 'LlmEnd' } }
        @{ Extra = @{ AwaitTimeout = 1 } }
    ) {
        { Register-LlmCallback LlmEnd -Action { } @Extra } | Should -Throw -ErrorId 'LlmAsyncParameterWithoutAsync,PsLlm.Commands.RegisterLlmCallbackCommand'
        Get-LlmCallback | Should -BeNullOrEmpty
    }

    It 'refuses an unknown -AwaitEvent name' {
        { Register-LlmCallback LlmEnd -Async -Action { } -AwaitEvent LlmFinish } | Should -Throw -ErrorId 'LlmUnknownEventName,PsLlm.Commands.RegisterLlmCallbackCommand'
        Get-LlmCallback | Should -BeNullOrEmpty
    }

    It 'Get-LlmCallback shows whether a callback is async, with its queue' {
        $null = Register-LlmCallback LlmEnd -Async -Name shown -Action { }
        $null = Register-LlmCallback LlmEnd -Name plain -Action { }
        $text = Get-LlmCallback | Out-String -Width 200
        $text | Should -Match 'shown .+ 0 pending, 0 dropped, 0 failed'
        $text | Should -Match 'plain .+ No'
    }
}

Describe 'Async entries of -Callback' {
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }

    It 'live as long as the command: it waits for them at its end and writes their host text, warnings and errors' {
        $queue = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        Add-FakeReply @{ text = 'one' }, @{ text = 'two' }
        $responses = 'a', 'b' | Invoke-LlmChat -Client $client -InformationVariable info -WarningVariable w -WarningAction SilentlyContinue -Callback @{
            LlmEnd       = { param($e, $q) Start-Sleep -Milliseconds 100; $q.Enqueue($e.Response.Text); Write-Host "saw $($e.Response.Text)"; 'discarded' }
            Async        = $true
            ArgumentList = @(, $queue)
        }
        $responses.Text | Should -Be @('one', 'two')
        @($queue) | Should -Be @('one', 'two') -Because 'the command waited for the handler'
        @($info | ForEach-Object { "$_" }) | Should -Be @('saw one', 'saw two')
        $w | Should -BeNullOrEmpty
    }

    It 'one handler for all piped prompts (one runspace), whose failures come out as errors and a warning' {
        Add-FakeReply @{ text = 'one' }, @{ text = 'two' }
        $responses = 'a', 'b' | Invoke-LlmChat -Client $client -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable w -WarningAction SilentlyContinue -Callback @{
            ChainStart = { $global:__psllmRunspaces += , [runspace]::DefaultRunspace.InstanceId; if ($global:__psllmRunspaces.Count -eq 2 -and $global:__psllmRunspaces[0] -eq $global:__psllmRunspaces[1]) { Write-Error 'same runspace' } }
            Async      = $true
        }
        $responses.Text | Should -Be @('one', 'two')
        "$errs" | Should -Be 'same runspace'
        "$w" | Should -BeLike '*lost 1 event*'
    }

    It 'Invoke-LlmChain takes them too' {
        $queue = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        Add-FakeReply @{ text = 'inner' }
        $null = Invoke-LlmChain -Name outer -ScriptBlock { Invoke-LlmChat 'x' -Client $client } -Callback @{ ChainEnd = { param($e, $q) $q.Enqueue($e.Name) }; Async = $true; ArgumentList = @(, $queue) }
        @($queue) | Should -Be @('Invoke-LlmChat', 'outer')
    }

    It 'are refused where nothing would end them: New-LlmClient -Callback' {
        { New-LlmClient -Endpoint $Endpoint -Model m -ApiKey (ConvertTo-SecureString k -AsPlainText -Force) -Callback @{ LlmEnd = { }; Async = $true } } |
            Should -Throw -ErrorId 'LlmInvalidCallback,PsLlm.Commands.NewLlmClientCommand' -ExpectedMessage '*Register-LlmCallback -Async -Client*'
    }

    It 'ArgumentList without Async = $true is an error' {
        { Invoke-LlmChat 'x' -Client $client -Callback @{ LlmEnd = { }; ArgumentList = 1 } } | Should -Throw -ErrorId 'LlmInvalidCallback,PsLlm.Commands.InvokeLlmChatCommand'
        Get-FakeRequest | Should -BeNullOrEmpty
    }
}

Describe 'A C# PsLlm.AsyncCallbackHandler' {
    BeforeAll {
        if (-not ('AuditHandler' -as [type])) {
            Add-Type -IgnoreWarnings -ReferencedAssemblies ([PsLlm.AsyncCallbackHandler].Assembly.Location), System.Collections.Concurrent -TypeDefinition @'
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
public sealed class AuditHandler : PsLlm.AsyncCallbackHandler
{
    public readonly ConcurrentQueue<string> Lines = new ConcurrentQueue<string>();
    public override async Task OnLlmEndAsync(PsLlm.LlmEndEvent e, CancellationToken cancellationToken)
    {
        await Task.Delay(50, cancellationToken);
        if (e.Response.Text == "fail") throw new System.InvalidOperationException("store refused it");
        Lines.Enqueue(e.Response.Text);
    }
}
'@
        }
    }
    BeforeEach { Reset-FakeServer; Remove-AllLlmCallbacks }
    AfterAll { Remove-AllLlmCallbacks }

    It 'registers with -Handler, takes -AwaitEvent, and its failures are received as LlmAsyncCallbackFailed errors' {
        $handler = [AuditHandler]::new()
        $reg = Register-LlmCallback -Handler $handler -AwaitEvent LlmEnd -AwaitTimeout 20
        $reg.Async | Should -BeTrue
        $handler.AwaitEvents | Should -Be 'LlmEnd'
        Add-FakeReply @{ text = 'kept' }, @{ text = 'fail' }
        $null = Invoke-LlmChat 'x' -Client $client
        @($handler.Lines) | Should -Be 'kept' -Because 'LlmEnd was awaited'
        $null = Invoke-LlmChat 'y' -Client $client -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -BeLike '*AuditHandler lost 1 event (dropped so far: 0, failed: 1); the last failure: LlmEnd: store refused it*'
        Receive-LlmCallback -Registration $reg -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'LlmAsyncCallbackFailed,PsLlm.Commands.ReceiveLlmCallbackCommand'
        "$($errs[0])" | Should -Be 'AuditHandler failed on LlmEnd: store refused it'
        $errs[0].TargetObject | Should -BeOfType PsLlm.LlmEndEvent
    }
}

Describe 'Shutdown' {
    It '<How> lets async handlers finish what they have queued' -ForEach @(
        @{ How = 'Remove-Module'; End = 'Remove-Module PsLlm' }
        @{ How = 'leaving PowerShell'; End = 'exit 0' }
    ) {
        $file = Join-Path $TestDrive "shutdown-$($How -replace '\W').txt"
        $script = @"
Import-Module '$ModulePath'
`$null = New-LlmFakeClient -Response 'answer' -Default
`$null = Register-LlmCallback LlmEnd -Async -ArgumentList '$file' -Action { param(`$e, `$path) Start-Sleep -Milliseconds 500; Set-Content -Path `$path -Value `$e.Response.Text }
`$null = Invoke-LlmChat 'x'
$End
"@
        & $Pwsh -NoProfile -NonInteractive -Command $script
        Get-Content $file | Should -Be 'answer'
    }
}

Describe 'The README''s async handler example' {
    It 'runs as written; awaited, the first token comes after "starting" and the chat ends after "ending"' {
        $readme = Get-Content (Join-Path $RepoRoot 'README.md') -Raw
        $match = [regex]::Match($readme, '(?s)```powershell\r?\n# async-handlers\.ps1\r?\n(?<code>.*?)```')
        $match.Success | Should -BeTrue
        $code = $match.Groups['code'].Value -replace 'https?://[^\s''"`)]+/v1', $Endpoint
        Reset-FakeServer
        Add-FakeReply @{ tokens = @('Why ', 'did ', 'the ', 'shell ', 'cross?') }, @{ tokens = @('Why ', 'did ', 'the ', 'shell ', 'cross?') }
        # The key the example's client finds in the environment, for the child pwsh only.
        $savedKey = $env:OPENAI_API_KEY
        try {
            $env:OPENAI_API_KEY = $TestKey
            $lines = & $Pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $code" 6>&1 2>&1 | ForEach-Object { "$_" }
        }
        finally { $env:OPENAI_API_KEY = $savedKey }
        $LASTEXITCODE | Should -Be 0
        $text = $lines -join "`n"
        $text | Should -Not -Match 'Exception|error' -Because $text
        # Two chats: five tokens each, and the async handler's four lines each.
        @($lines -match 'token: ').Count | Should -Be 10
        @($lines -match 'zzzz').Count | Should -Be 4
        @($lines -match 'Your llm is starting').Count | Should -Be 2
        @($lines -match 'Your llm is ending').Count | Should -Be 2

        # The awaited chat (the clock restarted for it): by the times printed, starting <= its first
        # token and ending <= its completion.
        $ms = { param($line) [int]($line -replace '^\s*(\d+) ms.*', '$1') }
        (& $ms ($lines -match 'Your llm is starting')[-1]) | Should -BeLessOrEqual (& $ms ($lines -match 'token: ')[5])
        (& $ms ($lines -match 'Your llm is ending')[-1]) | Should -BeLessOrEqual (& $ms ($lines -match 'the answer is complete')[-1])
    }
}
