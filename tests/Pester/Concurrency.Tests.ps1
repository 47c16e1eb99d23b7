# Invoke-LlmChat -ThrottleLimit: chats of a pipeline at once, with their events, callbacks and tools
# still in this session; results matched to inputs; failures, Ctrl+C and Select-Object -First;
# one pace per client (New-LlmClient -RequestsPerMinute, a 429's wait); Write-Progress.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient

    function Get-MostChatsInFlight { (Invoke-RestMethod -Uri "$AdminBase/_admin/stats").mostChatsInFlight }

    # Replies for prompts q0..q(n-1), each answering its own prompt after a delay.
    function Add-SlowReplies([int] $Count, [int] $DelayMs, [string] $Prefix = 'q') {
        Add-FakeReply (0..($Count - 1) | ForEach-Object { @{ forPrompt = "$Prefix$_"; text = "a$_"; delayMs = $DelayMs } })
    }

    # Runs $Script in a runspace of its own (as a pipeline that can be stopped like Ctrl+C stops one).
    function Start-Pipeline([scriptblock] $Script, [object[]] $Arguments) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript($Script)
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ Shell = $ps; Output = $output; Async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output) }
    }
}

Describe 'Invoke-LlmChat -ThrottleLimit' {
    BeforeEach { Reset-FakeServer }
    AfterEach { Get-LlmCallback | Unregister-LlmCallback -Confirm:$false }

    It 'runs up to N chats at once, and each result carries its prompt and input' {
        Add-SlowReplies 12 200
        $rows = 0..11 | ForEach-Object { [pscustomobject]@{ Prompt = "q$_"; Ticket = 1000 + $_ } }
        $results = $rows | Invoke-LlmChat -Client $client -ThrottleLimit 4
        $results | Should -HaveCount 12
        Get-MostChatsInFlight | Should -Be 4
        foreach ($r in $results) {
            $r.Text | Should -Be ('a' + $r.Prompt.Substring(1))
            $r.InputObject.Ticket | Should -Be (1000 + [int]$r.Prompt.Substring(1))
        }
    }

    It '-Ordered writes the results in input order; without it they come as chats end' {
        Add-FakeReply @{ forPrompt = 'slow'; text = 'slow'; delayMs = 800 }
        $prompts = 'slow', 'f1', 'f2', 'f3'
        ($prompts | Invoke-LlmChat -Client $client -ThrottleLimit 4 -Ordered).Prompt | Should -Be $prompts
        Reset-FakeServer
        Add-FakeReply @{ forPrompt = 'slow'; text = 'slow'; delayMs = 800 }
        ($prompts | Invoke-LlmChat -Client $client -ThrottleLimit 4).Prompt[-1] | Should -Be 'slow'
    }

    It 'runs callbacks, engine-event actions and tools in this session while the chats overlap' {
        Add-SlowReplies 6 150
        Add-FakeReply @{ forPrompt = 'tool'; toolCalls = @(@{ id = 'c1'; name = 'add'; arguments = '{"a":2,"b":3}' }) }
        $script:ends = [System.Collections.Generic.List[string]]::new()
        Register-LlmCallback -EventName LlmEnd -Action { $script:ends.Add($_.Response.Text) } | Out-Null
        $add = New-LlmTool -Name add -Description 'Adds.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        $results = @(0..5 | ForEach-Object { "q$_" }) + 'tool' | Invoke-LlmChat -Client $client -ThrottleLimit 3 -Tool $add
        $results | Should -HaveCount 7
        $ends.Count | Should -Be 8 # six answers, and the tool chat's two model calls
        ($results | Where-Object Prompt -EQ 'tool').ToolCalls[0].Output | Should -Be '5'
    }

    It '-AsEvents with -ThrottleLimit writes every event; each chat''s events keep their order' {
        Add-SlowReplies 3 100
        $events = 'q0', 'q1', 'q2' | Invoke-LlmChat -Client $client -ThrottleLimit 3 -AsEvents
        $chains = $events | Where-Object EventName -EQ ChainStart
        $chains | Should -HaveCount 3
        foreach ($chain in $chains) {
            $own = $events | Where-Object { $_.RunId -eq $chain.RunId -or $_.ParentRunId -eq $chain.RunId }
            $own.EventName | Select-Object -First 3 | Should -Be @('ChainStart', 'Text', 'ChatModelStart')
            $own.EventName[-1] | Should -Be 'ChainEnd'
        }
    }

    It 'a failed chat is a non-terminating error whose TargetObject is its input; the others are written' {
        Add-FakeReply @{ forPrompt = 'q1'; status = 500; errorMessage = 'boom' }, @{ forPrompt = 'q3'; status = 400; errorMessage = 'bad' }
        $rows = 0..4 | ForEach-Object { [pscustomobject]@{ Prompt = "q$_"; Row = $_ } }
        $results = $rows | Invoke-LlmChat -Client $client -ThrottleLimit 2 -ErrorVariable failed -ErrorAction SilentlyContinue
        ($results.InputObject.Row | Sort-Object) | Should -Be @(0, 2, 4)
        $failed | Should -HaveCount 2
        ($failed.TargetObject.Row | Sort-Object) | Should -Be @(1, 3)
        ($failed.FullyQualifiedErrorId | Sort-Object) | Should -Be @('LlmBadRequest,PsLlm.Commands.InvokeLlmChatCommand', 'LlmServerError,PsLlm.Commands.InvokeLlmChatCommand')
    }

    It 'chats of one session run one after another, as its turns' {
        $session = New-LlmChatSession -Client $client
        $null = 'one', 'two', 'three' | Invoke-LlmChat -Session $session -ThrottleLimit 3
        $session.TurnCount | Should -Be 3
        Get-MostChatsInFlight | Should -Be 1
    }

    It '-Stream needs -ThrottleLimit 1: LlmStreamWithThrottleLimit before anything is sent' {
        { 'a', 'b' | Invoke-LlmChat -Client $client -ThrottleLimit 2 -Stream } | Should -Throw -ErrorId 'LlmStreamWithThrottleLimit,PsLlm.Commands.InvokeLlmChatCommand'
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It 'Select-Object -First stops the other chats, without errors, and leaves nothing running' {
        Add-SlowReplies 10 300
        $errorsBefore = $Error.Count
        $first = 0..9 | ForEach-Object { "q$_" } | Invoke-LlmChat -Client $client -ThrottleLimit 3 | Select-Object -First 2
        $first | Should -HaveCount 2
        $Error.Count | Should -Be $errorsBefore
        $sent = @(Get-FakeRequest).Count
        $sent | Should -BeLessThan 10
        Start-Sleep -Milliseconds 700
        @(Get-FakeRequest).Count | Should -Be $sent
    }

    It 'Ctrl+C stops the batch: each input taken and not written goes to $Error once, with its partial answer' {
        Add-FakeReply @{ forPrompt = 'q0'; text = 'quick'; delayMs = 10 }
        Add-FakeReply (1..9 | ForEach-Object { @{ forPrompt = "q$_"; tokens = @('partial ', 'answer'); delayMs = 2500 } })
        $run = Start-Pipeline {
            param($m, $c)
            Import-Module $m
            0..9 | ForEach-Object { [pscustomobject]@{ Prompt = "q$_"; Row = $_ } } | Invoke-LlmChat -Client $c -ThrottleLimit 3 -AsEvents |
                Where-Object EventName -EQ ChainEnd | ForEach-Object { $_.Outputs.Text }
        } $ModulePath, $client
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(10)
            while (@(Get-FakeRequest).Count -lt 4 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 3000 # the first token of each running chat has arrived
            $run.Shell.Stop()
            $run.Shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $run.Output | Should -Be 'quick'
            $kept = @($run.Shell.Runspace.SessionStateProxy.GetVariable('Error') | Where-Object { $_.TargetObject.Row -ne $null })
            # q0 was written; q1..q3 were under way (three at once) and no more had been taken from the pipeline.
            ($kept.TargetObject.Row | Sort-Object) | Should -Be @(1, 2, 3)
            $kept.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] } | Should -Be @('LlmCancelled', 'LlmCancelled', 'LlmCancelled')
            $kept | ForEach-Object { $_.Exception.PartialText | Should -Be 'partial ' }
        }
        finally { $run.Shell.Dispose() }
    }

    It 'Ctrl+C: chats waiting for their session''s turn end as LlmNotStarted' {
        Add-FakeReply @{ forPrompt = 'one'; text = 'slow'; delayMs = 5000 }
        $run = Start-Pipeline {
            param($m, $c)
            Import-Module $m
            $s = New-LlmChatSession -Client $c
            'one', 'two', 'three' | Invoke-LlmChat -Session $s -ThrottleLimit 3
        } $ModulePath, $client
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(10)
            while (@(Get-FakeRequest).Count -lt 1 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 200
            $run.Shell.Stop()
            $kept = @($run.Shell.Runspace.SessionStateProxy.GetVariable('Error') | Where-Object { $_.TargetObject -in 'one', 'two', 'three' })
            $kept | ForEach-Object { "$($_.TargetObject)=$(($_.FullyQualifiedErrorId -split ',')[0])" } | Sort-Object |
                Should -Be @('one=LlmCancelled', 'three=LlmNotStarted', 'two=LlmNotStarted')
            @(Get-FakeRequest) | Should -HaveCount 1
        }
        finally { $run.Shell.Dispose() }
    }
}

Describe 'One pace per client' {
    BeforeEach { Reset-FakeServer }

    It 'New-LlmClient -RequestsPerMinute spreads the requests of chats run at once' {
        $paced = New-LlmClient -Endpoint $Endpoint -Model fake-model -MaxRetries 0 -RequestsPerMinute 300 # one per 200 ms
        $paced.RequestsPerMinute | Should -Be 300
        $null = 1..4 | ForEach-Object { "p$_" } | Invoke-LlmChat -Client $paced -ThrottleLimit 4
        $times = @(Get-FakeRequest | ForEach-Object { [datetimeoffset]$_.receivedAt }) | Sort-Object
        for ($i = 1; $i -lt $times.Count; $i++) { ($times[$i] - $times[$i - 1]).TotalMilliseconds | Should -BeGreaterOrEqual 180 }
    }

    It 'a 429 with Retry-After holds back every request of the client, not only its own retry' {
        $retrying = New-LlmClient -Endpoint $Endpoint -Model fake-model -MaxRetries 2
        Add-FakeReply @{ forPrompt = 'first'; status = 429; errorMessage = 'Rate limit reached'; headers = @{ 'retry-after' = '1' } }
        $null = Invoke-LlmChat 'first' -Client $retrying
        $refused = [datetimeoffset](Get-FakeRequest)[0].receivedAt
        $results = 1..4 | ForEach-Object { "p$_" } | Invoke-LlmChat -Client $retrying -ThrottleLimit 4
        $results | Should -HaveCount 4
        foreach ($request in @(Get-FakeRequest)[1..5]) { ([datetimeoffset]$request.receivedAt - $refused).TotalMilliseconds | Should -BeGreaterOrEqual 950 }
    }
}

Describe 'Write-Progress for a pipeline of chats' {
    BeforeEach { Reset-FakeServer }

    It 'shows done, failed, in flight and the pace once the pipeline runs a while, and completes' {
        Add-SlowReplies 6 700
        $run = Start-Pipeline { param($m, $c) Import-Module $m; 0..5 | ForEach-Object { "q$_" } | Invoke-LlmChat -Client $c -ThrottleLimit 2 } $ModulePath, $client
        $null = $run.Shell.EndInvoke($run.Async)
        $records = @($run.Shell.Streams.Progress)
        $records | Should -Not -BeNullOrEmpty
        $records[0].Activity | Should -Be 'Invoke-LlmChat'
        $records[0].StatusDescription | Should -Match '^\d+ done \(0 failed\), \d+ in flight, [\d.]+ chats/s$'
        $records[-1].RecordType | Should -Be 'Completed'
        $run.Shell.Dispose()
    }

    It 'a quick pipeline, or $ProgressPreference = SilentlyContinue, shows none' {
        $run = Start-Pipeline { param($m, $c) Import-Module $m; 'a', 'b' | Invoke-LlmChat -Client $c } $ModulePath, $client
        $null = $run.Shell.EndInvoke($run.Async)
        $run.Shell.Streams.Progress | Should -BeNullOrEmpty
        $run.Shell.Dispose()
        Add-SlowReplies 4 800
        $run = Start-Pipeline { param($m, $c) Import-Module $m; $ProgressPreference = 'SilentlyContinue'; 0..3 | ForEach-Object { "q$_" } | Invoke-LlmChat -Client $c } $ModulePath, $client
        $null = $run.Shell.EndInvoke($run.Async)
        $run.Shell.Streams.Progress | Should -BeNullOrEmpty
        $run.Shell.Dispose()
    }
}
