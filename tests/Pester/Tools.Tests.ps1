BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    function Get-ToolMessages([int] $RequestIndex) {
        ((Get-FakeRequest)[$RequestIndex].body | ConvertFrom-Json).messages | Where-Object role -EQ 'tool'
    }
}

Describe 'Tools in chats' {
    BeforeEach { Reset-FakeServer }

    It 'a streamed chat runs a tool made from Get-Date and one made from a scriptblock' {
        $date = New-LlmTool -Command Get-Date -Parameter Format
        $add = New-LlmTool -Name add -Description 'Adds two numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        Add-FakeReply @(
            @{ toolCalls = @(@{ id = 'c1'; name = 'Get-Date'; arguments = '{"Format":"yyyy"}' }, @{ id = 'c2'; name = 'add'; arguments = '{"a":2,"b":3}' }) }
            @{ tokens = @('It is ', 'done.') }
        )
        $events = Invoke-LlmChat 'What year is it, and what is 2+3?' -Client $client -Tool $date, $add -AsEvents
        $tools = $events | Where-Object EventName -EQ 'ToolEnd'
        $tools.ToolName | Should -Be @('Get-Date', 'add')
        $tools[0].Output | Should -Be (Get-Date -Format yyyy)
        $tools[1].Output | Should -Be '5'
        ($events | Where-Object EventName -EQ 'LlmEnd' | Select-Object -Last 1).Response.Text | Should -Be 'It is done.'
        $events.EventName | Should -Contain 'AgentAction'
        $events.EventName | Should -Contain 'AgentFinish'
        # The first request described both tools; the second carried both results.
        $first = (Get-FakeRequest)[0].body | ConvertFrom-Json
        $first.tools.function.name | Should -Be @('Get-Date', 'add')
        $first.stream | Should -BeTrue
        (Get-ToolMessages 1).content | Should -Be @((Get-Date -Format yyyy), '5')
    }

    It 'the response lists the tool calls and the transcript of the turn' {
        $add = New-LlmTool -Name add -Description 'Adds.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'add'; arguments = '{"a":1,"b":1}' }) }, @{ text = 'two' }
        $r = Invoke-LlmChat 'x' -Client $client -Tool $add
        $r.Text | Should -Be 'two'
        $r.Rounds | Should -Be 2
        $r.ToolCalls[0].Name | Should -Be 'add'
        $r.ToolCalls[0].Output | Should -Be '2'
        $r.Transcript.Role | Should -Be @('user', 'assistant', 'tool', 'assistant')
    }

    It 'a throwing tool is reported and the model recovers' {
        $lookup = New-LlmTool -Name lookup -Description 'Looks up a city.' -ScriptBlock { param([string] $city) throw "no such city: $city" }
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'lookup'; arguments = '{"city":"Atlantis"}' }) }, @{ text = 'Atlantis is a myth.' }
        $script:toolErrors = [System.Collections.Generic.List[object]]::new()
        $r = Invoke-LlmChat 'x' -Client $client -Tool $lookup -Callback @{ ToolError = { $script:toolErrors.Add($_) } }
        $r.Text | Should -Be 'Atlantis is a myth.'
        $script:toolErrors.Count | Should -Be 1
        (Get-ToolMessages 1).content | Should -BeLike 'Error: *no such city: Atlantis*'
        $r.ToolCalls[0].Succeeded | Should -BeFalse
    }

    It 'a tool the model invents is never run' {
        $add = New-LlmTool -Name add -Description 'Adds.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'Remove-Item'; arguments = '{"Path":"/"}' }) }, @{ text = 'ok' }
        $events = Invoke-LlmChat 'x' -Client $client -Tool $add -AsEvents
        ($events | Where-Object EventName -EQ 'ToolError').Error.Message | Should -BeLike "*no tool named 'Remove-Item'*"
        $events.EventName | Should -Not -Contain 'ToolEnd'
    }

    It 'exceeding -MaxToolRounds is a clear error that keeps the transcript' {
        $add = New-LlmTool -Name add -Description 'Adds.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        Add-FakeReply (1..3 | ForEach-Object { @{ toolCalls = @(@{ id = "c$_"; name = 'add'; arguments = '{"a":1,"b":2}' }) } })
        $r = Invoke-LlmChat 'x' -Client $client -Tool $add -MaxToolRounds 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'LlmMaxToolRoundsExceeded,PsLlm.Commands.InvokeLlmChatCommand'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err[0].Exception.PartialResponse.ToolCalls.Count | Should -Be 2
        $err[0].Exception.PartialResponse.Transcript.Count | Should -Be 6
    }

    It '-ToolChoice is sent, and an unknown choice is rejected before sending' {
        $add = New-LlmTool -Name add -Description 'Adds.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
        Add-FakeReply @{ text = 'no tools needed' }
        $null = Invoke-LlmChat 'x' -Client $client -Tool $add -ToolChoice NONE
        ((Get-FakeRequest)[0].body | ConvertFrom-Json).tool_choice | Should -Be 'none'
        Reset-FakeServer
        { Invoke-LlmChat 'x' -Client $client -Tool $add -ToolChoice subtract -ErrorAction Stop } | Should -Throw -ErrorId 'LlmUnknownToolChoice,PsLlm.Commands.InvokeLlmChatCommand'
        Get-FakeRequest | Should -BeNullOrEmpty
    }
}

Describe 'Approval-required tools' {
    BeforeAll {
        $script:marker = Join-Path ([System.IO.Path]::GetTempPath()) "psllm-approval-$([guid]::NewGuid()).txt"
        $script:probe = Join-Path ([System.IO.Path]::GetTempPath()) "psllm-approval-$([guid]::NewGuid()).ps1"
        # A child pwsh whose confirmation prompt is answered through redirected standard input.
        Set-Content $script:probe @'
param($ModulePath, $Endpoint, $Marker)
Import-Module $ModulePath
$c = New-LlmClient -Endpoint $Endpoint -MaxRetries 0
$touch = New-LlmTool -Name touch -Description 'Creates the marker file.' -RequireApproval -ScriptBlock { param([string] $note) Set-Content -Path $Marker -Value $note; 'created' }.GetNewClosure()
$r = Invoke-LlmChat 'make the file' -Client $c -Tool $touch
"RESULT:$($r.ToolCalls[0].Executed):$($r.ToolCalls[0].Output)"
'@
    }
    BeforeEach { Reset-FakeServer; Remove-Item $script:marker -ErrorAction Ignore }
    AfterAll { Remove-Item $script:marker, $script:probe -ErrorAction Ignore }

    It '-WhatIf sends nothing, so no tool can run either' {
        $marker = $script:marker
        $touch = New-LlmTool -Name touch -Description 'Creates the marker file.' -RequireApproval -ScriptBlock { param([string] $note) Set-Content -Path $marker -Value $note; 'created' }.GetNewClosure()
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'touch'; arguments = '{"note":"hi"}' }) }, @{ text = 'I could not.' }
        $r = Invoke-LlmChat 'make the file' -Client $client -Tool $touch -WhatIf
        $r | Should -BeNullOrEmpty
        Test-Path $marker | Should -BeFalse
        @(Get-FakeRequest) | Should -HaveCount 0
    }

    It 'asks by default (ConfirmImpact High); -Confirm:$false runs without asking' {
        $marker = $script:marker
        $touch = New-LlmTool -Name touch -Description 'Creates the marker file.' -RequireApproval -ScriptBlock { param([string] $note) Set-Content -Path $marker -Value $note; 'created' }.GetNewClosure()
        (Get-Command Invoke-LlmChat).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact | Should -Be 'High'
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'touch'; arguments = '{"note":"quiet"}' }) }, @{ text = 'done' }
        $r = Invoke-LlmChat 'make the file' -Client $client -Tool $touch -Confirm:$false
        $r.ToolCalls[0].Executed | Should -BeTrue
        Get-Content $marker | Should -Be 'quiet'
    }

    It 'asks before the call; answering No runs nothing' {
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'touch'; arguments = '{"note":"hi"}' }) }, @{ text = 'declined' }
        $output = 'N' | & $Pwsh -NoProfile -File $script:probe -ModulePath $ModulePath -Endpoint $Endpoint -Marker $script:marker 2>&1
        ($output | Out-String) | Should -Match 'Run tool'
        $output | Should -Contain 'RESULT:False:Not executed: running this tool was not approved (-WhatIf, or declined at the confirmation prompt).'
        Test-Path $script:marker | Should -BeFalse
    }

    It 'asks before the call; answering Yes runs the tool' {
        Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'touch'; arguments = '{"note":"hi"}' }) }, @{ text = 'done' }
        $output = 'Y' | & $Pwsh -NoProfile -File $script:probe -ModulePath $ModulePath -Endpoint $Endpoint -Marker $script:marker 2>&1
        $output | Should -Contain 'RESULT:True:created'
        Get-Content $script:marker | Should -Be 'hi'
    }

    It 'a tool from a command with ConfirmImpact High requires approval' {
        function Remove-Widget { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')] param([string] $Name) if ($PSCmdlet.ShouldProcess($Name)) { "removed $Name" } }
        (New-LlmTool -Command (Get-Command Remove-Widget)).RequireApproval | Should -BeTrue
        (New-LlmTool -Command Get-Date).RequireApproval | Should -BeFalse
    }
}
