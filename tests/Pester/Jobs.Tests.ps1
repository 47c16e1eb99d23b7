# Invoke-LlmChat -AsJob: a real job (Get-Job, Receive-Job, Wait-Job, Stop-Job, Remove-Job) whose
# chats use this session's default client and callbacks and raise engine events here.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 10) {
        $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    }
}

Describe 'Invoke-LlmChat -AsJob' {
    AfterEach { Get-Job | Where-Object PSJobTypeName -EQ LlmChatJob | Remove-Job -Force }

    It 'returns a job that Get-Job lists and Receive-Job empties, with each result matched to its input' {
        $fake = New-LlmFakeClient -Response 'one', 'two'
        $job = 'a', 'b' | Invoke-LlmChat -Client $fake -AsJob
        $job | Should -BeOfType PsLlm.LlmChatJob
        (Get-Job -Id $job.Id).PSJobTypeName | Should -Be 'LlmChatJob'
        $job.Command | Should -Be 'Invoke-LlmChat -Client (2 piped)'
        $results = $job | Receive-Job -Wait
        $job.State | Should -Be 'Completed'
        $results.Text | Should -Be @('one', 'two')
        $results.InputObject | Should -Be @('a', 'b')
        $job.HasMoreData | Should -BeFalse
    }

    It 'hands results to Receive-Job as each chat ends, while the job still runs' {
        $fake = New-LlmFakeClient -Response @{ Text = 'quick' }, @{ Tokens = 1..20 | ForEach-Object { "t$_ " }; TokenDelayMs = 100 }
        $job = 'first', 'second' | Invoke-LlmChat -Client $fake -AsJob
        Wait-Until { $job.HasMoreData }
        (Receive-Job $job).Text | Should -Be 'quick'
        $job.State | Should -Be 'Running'
        ($job | Receive-Job -Wait).Text | Should -BeLike 't1 t2 *t20 '
    }

    It 'Stop-Job stops it as Ctrl+C would: the stopped chat is in its errors with what had arrived' {
        $fake = New-LlmFakeClient -Response @{ Tokens = 1..50 | ForEach-Object { "t$_ " }; TokenDelayMs = 100 }
        $job = Invoke-LlmChat 'slow' -Client $fake -Stream -AsJob
        Wait-Until { $job.Output.Count -ge 3 }
        Stop-Job $job
        $job.State | Should -Be 'Stopped'
        $tokens = Receive-Job $job -ErrorVariable stopped -ErrorAction SilentlyContinue
        $tokens.Count | Should -BeLessThan 50
        $stopped[0].FullyQualifiedErrorId | Should -BeLike 'LlmCancelled*'
        $stopped[0].Exception.PartialText | Should -BeLike 't1 t2 t3 *'
    }

    It 'a chat that fails is an error of the job; the others are its results' {
        $fake = New-LlmFakeClient -Response 'fine', @{ Status = 429; Error = 'Rate limit reached' }
        $job = 'a', 'b' | Invoke-LlmChat -Client $fake -AsJob
        $results = $job | Receive-Job -Wait -ErrorVariable failed -ErrorAction SilentlyContinue
        $results.Text | Should -Be 'fine'
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmRateLimited,*'
        $failed[0].TargetObject | Should -Be 'b'
        $job.State | Should -Be 'Completed'
    }

    It 'uses this session''s default client and registered callbacks, and raises engine events here' {
        $ps = [powershell]::Create()
        try {
            $out = $ps.AddScript({
                    param($m)
                    Import-Module $m
                    $null = New-LlmFakeClient -Response 'from the default', 'again' -Default
                    $global:ended = [System.Collections.Generic.List[string]]::new()
                    $global:forwarded = 0
                    $null = Register-LlmCallback -EventName LlmEnd -Action { $global:ended.Add($_.Response.Text) }
                    $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmEnd -Action { $global:forwarded++ }
                    $job = 'x', 'y' | Invoke-LlmChat -AsJob -ThrottleLimit 2
                    $results = $job | Receive-Job -Wait
                    $null = Wait-Event -Timeout 1   # lets the forwarded events' actions run
                    ($results.Text | Sort-Object) -join ','
                    "$global:forwarded"
                }).AddArgument($ModulePath).Invoke()
            $out[0] | Should -Be 'again,from the default'
            $out[1] | Should -Be '2'
        }
        finally { $ps.Dispose() }
    }

    It 'checks its parameters before starting: -Stream with -ThrottleLimit above 1' {
        { 'a', 'b' | Invoke-LlmChat -Client (New-LlmFakeClient) -Stream -ThrottleLimit 2 -AsJob } | Should -Throw -ErrorId 'LlmStreamWithThrottleLimit,PsLlm.Commands.InvokeLlmChatCommand'
        Get-Job | Where-Object PSJobTypeName -EQ LlmChatJob | Should -BeNullOrEmpty
    }

    It 'Remove-Job takes it away; suspending is refused plainly' {
        $job = Invoke-LlmChat 'x' -Client (New-LlmFakeClient -Response 'done') -AsJob
        $null = $job | Wait-Job
        { $job.SuspendJob() } | Should -Throw '*cannot be suspended*'
        Remove-Job $job
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
