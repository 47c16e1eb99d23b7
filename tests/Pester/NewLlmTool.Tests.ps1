BeforeAll {
    . $PSScriptRoot/TestSetup.ps1

    # LlmTool.Invoke takes the validated arguments the engine hands it: a string-keyed dictionary.
    function ConvertTo-ToolArguments([hashtable] $Table = @{}) {
        $arguments = [System.Collections.Generic.Dictionary[string, object]]::new()
        foreach ($key in $Table.Keys) { $arguments[$key] = $Table[$key] }
        , $arguments
    }

    function Set-TestWidget {
        <#
        .SYNOPSIS
        Sets a widget's color and size.
        .DESCRIPTION
        Longer text that the synopsis wins over.
        .PARAMETER Name
        The widget's name.
        .PARAMETER Color
        The new color.
        #>
        [CmdletBinding()]
        param(
            [Parameter(Mandatory)] [string] $Name,
            [ValidateSet('Red', 'Green', 'Blue')] [string] $Color,
            [ValidateRange(1, 10)] [int] $Size,
            [double] $Ratio,
            [switch] $Force,
            [string[]] $Tags,
            [int[]] $Ids,
            [hashtable] $Settings,
            [System.DayOfWeek] $Day,
            [Parameter(HelpMessage = 'When to start.')] [datetime] $Start,
            [Parameter(DontShow)] [string] $Hidden
        )
        $settingsText = if ($Settings) { ($Settings.Keys | Sort-Object | ForEach-Object { "$_=$($Settings[$_])" }) -join ',' }
        "name=$Name color=$Color size=$Size force=$($Force.IsPresent) tags=$($Tags -join '+') settings=$settingsText"
    }

    function Remove-TestWidget {
        [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
        param([Parameter(Mandatory)] [string] $Name)
        if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { "removed $Name" }
    }

    function Get-TestWidget {
        [CmdletBinding(DefaultParameterSetName = 'ByName')]
        param(
            [Parameter(Mandatory, ParameterSetName = 'ByName')] [string] $Name,
            [Parameter(Mandatory, ParameterSetName = 'ById')] [int] $Id,
            [Parameter(ParameterSetName = 'ById')] [switch] $Exact,
            [int] $Limit
        )
        "$($PSCmdlet.ParameterSetName):$Name$Id"
    }

    $script:WidgetSchema = '{"type":"object","properties":{' +
        '"Name":{"type":"string","description":"The widget''s name."},' +
        '"Color":{"type":"string","description":"The new color.","enum":["Red","Green","Blue"]},' +
        '"Size":{"type":"integer","minimum":1,"maximum":10},' +
        '"Ratio":{"type":"number"},' +
        '"Force":{"type":"boolean"},' +
        '"Tags":{"type":"array","items":{"type":"string"}},' +
        '"Ids":{"type":"array","items":{"type":"integer"}},' +
        '"Settings":{"type":"object"},' +
        '"Day":{"type":"string","enum":["Sunday","Monday","Tuesday","Wednesday","Thursday","Friday","Saturday"]},' +
        '"Start":{"type":"string","description":"When to start."}' +
        '},"required":["Name"],"additionalProperties":false}'
}

Describe 'New-LlmTool' {
    Context 'from a cmdlet' {
        It 'offers Get-Date''s parameters with their JSON types, and no common parameters' {
            $tool = New-LlmTool Get-Date
            $tool | Should -BeOfType PsLlm.LlmTool
            $tool.Name | Should -Be 'Get-Date'
            $tool.Description | Should -Not -BeNullOrEmpty
            $tool.Strict | Should -BeFalse
            $tool.RequireApproval | Should -BeFalse
            $schema = $tool.ParametersSchema | ConvertFrom-Json
            $schema.type | Should -Be 'object'
            $schema.additionalProperties | Should -BeFalse
            $names = $schema.properties.PSObject.Properties.Name
            $names | Should -Contain 'Format'
            $names | Should -Contain 'UFormat'
            $names | Should -Contain 'UnixTimeSeconds'
            foreach ($common in 'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'ErrorVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'WhatIf', 'Confirm') {
                $names | Should -Not -Contain $common
            }
            $schema.properties.Format.type | Should -Be 'string'
            $schema.properties.Date.type | Should -Be 'string'
            $schema.properties.AsUTC.type | Should -Be 'boolean'
            $schema.properties.UnixTimeSeconds.type | Should -Be 'integer'
            $schema.properties.Month.type | Should -Be 'integer'
            $schema.properties.Month.minimum | Should -Be 1
            $schema.properties.Month.maximum | Should -Be 12
            $schema.properties.DisplayHint.enum | Should -Be @('Date', 'Time', 'DateTime')
            # Every parameter set of Get-Date is on offer, so none of them is required in all.
            $schema.PSObject.Properties.Name | Should -Not -Contain 'required'
        }

        It 'takes CommandInfo objects from the pipeline' {
            $tools = Get-Command Get-Date, Get-Random | New-LlmTool
            $tools.Name | Should -Be @('Get-Date', 'Get-Random')
        }

        It 'resolves aliases and module-qualified names' {
            (New-LlmTool -Command gcm).Name | Should -Be 'Get-Command'
            (New-LlmTool -Command 'Microsoft.PowerShell.Utility\Get-Date').Name | Should -Be 'Get-Date'
        }

        It '-Parameter keeps only the named parameters, wildcards included' {
            $schema = (New-LlmTool Get-Date -Parameter Date, *Format).ParametersSchema | ConvertFrom-Json
            $schema.properties.PSObject.Properties.Name | Should -Be @('Date', 'Format', 'UFormat')
        }

        It '-ParameterSetName offers that set only and requires its mandatory parameters' {
            $schema = (New-LlmTool Get-Date -ParameterSetName DateAndUFormat).ParametersSchema | ConvertFrom-Json
            $names = $schema.properties.PSObject.Properties.Name
            $names | Should -Contain 'UFormat'
            $names | Should -Not -Contain 'Format'
            $names | Should -Not -Contain 'UnixTimeSeconds'
            $schema.required | Should -Be @('UFormat')
        }

        It '-Name and -Description replace the defaults' {
            $tool = New-LlmTool Get-Date -Name current_time -Description 'Tells the time.'
            $tool.Name | Should -Be 'current_time'
            $tool.Description | Should -Be 'Tells the time.'
        }

        It 'shows as a table of name, MCP server (none here), approval, strictness and description' {
            $text = New-LlmTool Get-Date -Description 'Tells the time.' | Format-Table | Out-String
            $text | Should -Match 'Name\s+McpServer\s+RequireApproval\s+Strict\s+Description'
            $text | Should -Match 'Get-Date\s+False\s+False\s+Tells the time\.'
        }
    }

    Context 'from a function' {
        It 'builds the schema from types, Mandatory, ValidateSet, ValidateRange and comment-based help' {
            $tool = New-LlmTool Set-TestWidget
            $tool.Name | Should -Be 'Set-TestWidget'
            $tool.Description | Should -Be 'Sets a widget''s color and size.'
            $tool.ParametersSchema | Should -BeExactly $WidgetSchema
            $schema = $tool.ParametersSchema | ConvertFrom-Json
            $schema.required | Should -Be @('Name')
            $schema.properties.PSObject.Properties.Name | Should -Not -Contain 'Hidden'
        }

        It '-Strict lists every parameter as required, makes optional ones nullable and sends hashtables as JSON text' {
            $tool = New-LlmTool Set-TestWidget -Strict
            $tool.Strict | Should -BeTrue
            $schema = $tool.ParametersSchema | ConvertFrom-Json
            $names = $schema.properties.PSObject.Properties.Name
            $schema.required | Should -Be $names
            $schema.additionalProperties | Should -BeFalse
            $schema.properties.Name.type | Should -Be 'string'
            $schema.properties.Size.type | Should -Be @('integer', 'null')
            $schema.properties.Size.minimum | Should -Be 1
            $schema.properties.Tags.type | Should -Be @('array', 'null')
            $schema.properties.Color.type | Should -Be @('string', 'null')
            $schema.properties.Color.enum | Should -Be @('Red', 'Green', 'Blue', $null)
            $schema.properties.Settings.type | Should -Be @('string', 'null')
            $schema.properties.Settings.description | Should -Be 'A JSON object, written as a string.'
            $tool.ParametersSchema | Should -Not -Match '"object"(?!,"properties")'
        }

        It 'offers every parameter set, requiring only what all of them require' {
            $schema = (New-LlmTool Get-TestWidget).ParametersSchema | ConvertFrom-Json
            $schema.properties.PSObject.Properties.Name | Should -Be @('Name', 'Limit', 'Id', 'Exact')
            $schema.PSObject.Properties.Name | Should -Not -Contain 'required'
            ((New-LlmTool Get-TestWidget -ParameterSetName ById).ParametersSchema | ConvertFrom-Json).required | Should -Be @('Id')
        }

        It 'requires approval for ConfirmImpact High with SupportsShouldProcess' {
            (New-LlmTool Remove-TestWidget).RequireApproval | Should -BeTrue
        }

        It 'requires approval for ConfirmImpact Medium, and not for Low or without SupportsShouldProcess' {
            function Set-Medium { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')] param() }
            function Set-Low { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')] param() }
            function Set-NoShouldProcess { [CmdletBinding(ConfirmImpact = 'High')] param() }
            (New-LlmTool Set-Medium).RequireApproval | Should -BeTrue
            (New-LlmTool Set-Low).RequireApproval | Should -BeFalse
            (New-LlmTool Set-NoShouldProcess).RequireApproval | Should -BeFalse
            (New-LlmTool Remove-Item).RequireApproval | Should -BeTrue
            (New-LlmTool Get-Item).RequireApproval | Should -BeFalse
        }

        It '-RequireApproval gates any tool' {
            (New-LlmTool Get-Date -RequireApproval).RequireApproval | Should -BeTrue
            (New-LlmTool -Name t -Description d -ScriptBlock { 'x' } -RequireApproval).RequireApproval | Should -BeTrue
        }
    }

    Context 'from a scriptblock' {
        It 'reads the param block and its comment-based help' {
            $tool = New-LlmTool -Name get_weather -Description 'Gets the weather.' -ScriptBlock {
                <#
                .PARAMETER City
                The city, e.g. Oslo.
                #>
                param(
                    [Parameter(Mandatory)] [string] $City,
                    [ValidateSet('C', 'F')] [string] $Unit = 'C',
                    [ValidateRange(0, 14)] [int] $Days
                )
                "$City in $Unit for $Days days"
            }
            $tool.Name | Should -Be 'get_weather'
            $tool.Description | Should -Be 'Gets the weather.'
            $tool.ParametersSchema | Should -BeExactly ('{"type":"object","properties":{' +
                '"City":{"type":"string","description":"The city, e.g. Oslo."},' +
                '"Unit":{"type":"string","enum":["C","F"]},' +
                '"Days":{"type":"integer","minimum":0,"maximum":14}' +
                '},"required":["City"],"additionalProperties":false}')
            $tool.Invoke((ConvertTo-ToolArguments @{ City = 'Oslo'; Days = [long] 3 })) | Should -Be 'Oslo in C for 3 days'
        }

        It 'takes no parameters' {
            $tool = New-LlmTool -Name ping -Description 'Pings.' -ScriptBlock { 'pong' }
            $tool.ParametersSchema | Should -Be '{"type":"object","properties":{},"additionalProperties":false}'
            $tool.Invoke((ConvertTo-ToolArguments)) | Should -Be 'pong'
        }

        It 'requires approval when its CmdletBinding says ConfirmImpact High' {
            $tool = New-LlmTool -Name wipe -Description 'Wipes.' -ScriptBlock { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')] param() 'wiped' }
            $tool.RequireApproval | Should -BeTrue
            # Approval is the agent loop's gate: run directly, the command does not prompt again.
            $tool.Invoke((ConvertTo-ToolArguments)) | Should -Be 'wiped'
        }

        It 'leaves no function behind' {
            $null = New-LlmTool -Name t -Description d -ScriptBlock { param($A) $A }
            Get-Command __PsLlmTool -ErrorAction Ignore | Should -BeNullOrEmpty
            Test-Path function:__PsLlmTool | Should -BeFalse
        }

        It 'keeps the session state it was made in (a module''s private variables)' {
            $block = New-Module -ReturnResult -ScriptBlock { $secret = 'from-the-module'; { param([string] $A) "$secret $A" } }
            $tool = New-LlmTool -Name m -Description d -ScriptBlock $block
            $tool.Invoke((ConvertTo-ToolArguments @{ A = 'x' })) | Should -Be 'from-the-module x'
        }
    }

    Context 'invoking the tool' {
        It 'runs the command with the model''s arguments' {
            $tool = New-LlmTool Get-Date
            $tool.Invoke((ConvertTo-ToolArguments @{ Date = '2020-05-06'; Format = 'yyyy-MM-dd' })) | Should -Be '2020-05-06'
        }

        It 'converts switches, arrays and hashtables, and drops nulls' {
            $tool = New-LlmTool Set-TestWidget
            $settings = [System.Collections.Generic.Dictionary[string, object]]::new()
            $settings['b'] = 2L
            $settings['a'] = 'one'
            $arguments = ConvertTo-ToolArguments @{ Name = 'w'; Color = $null; Size = 3L; Force = $true; Tags = [object[]] @('x', 'y'); Settings = $settings }
            $tool.Invoke($arguments) | Should -Be 'name=w color= size=3 force=True tags=x+y settings=a=one,b=2'
        }

        It 'parses the JSON text strict mode sends for a hashtable' {
            $tool = New-LlmTool Set-TestWidget -Strict
            $tool.Invoke((ConvertTo-ToolArguments @{ Name = 'w'; Settings = '{"k":"v","n":1}'; Force = $false })) |
                Should -Be 'name=w color= size=0 force=False tags= settings=k=v,n=1'
            { $tool.Invoke((ConvertTo-ToolArguments @{ Name = 'w'; Settings = 'not json' })) } | Should -Throw '*must be a JSON object*'
        }

        It 'returns strings as lines' {
            $tool = New-LlmTool -Name lines -Description d -ScriptBlock { 'one'; 'two' }
            $tool.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly "one`ntwo"
        }

        It 'returns objects as compact JSON' {
            $one = New-LlmTool -Name one -Description d -ScriptBlock { [pscustomobject]@{ Name = 'a'; Size = 1; Day = [System.DayOfWeek]::Monday } }
            $one.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly '{"Name":"a","Size":1,"Day":"Monday"}'
            $two = New-LlmTool -Name two -Description d -ScriptBlock { [pscustomobject]@{ N = 1 }; [pscustomobject]@{ N = 2 } }
            $two.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly '[{"N":1},{"N":2}]'
            $number = New-LlmTool -Name number -Description d -ScriptBlock { 42 }
            $number.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly '42'
        }

        It 'says when there is no output' {
            $tool = New-LlmTool -Name quiet -Description d -ScriptBlock { $null = 1 }
            $tool.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly '(no output)'
        }

        It 'appends the errors the command wrote, even under $ErrorActionPreference Stop' {
            $ErrorActionPreference = 'Stop'
            $tool = New-LlmTool -Name partial -Description d -ScriptBlock { 'half done'; Write-Error 'the disk is full' }
            $tool.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly "half done`nErrors: the disk is full"
            $quiet = New-LlmTool -Name failing -Description d -ScriptBlock { Write-Error 'nothing worked' }
            $quiet.Invoke((ConvertTo-ToolArguments)) | Should -BeExactly "(no output)`nErrors: nothing worked"
        }

        It 'throws a terminating error' {
            $tool = New-LlmTool -Name boom -Description d -ScriptBlock { param([string] $City) 'partial'; throw "no such city: $City" }
            { $tool.Invoke((ConvertTo-ToolArguments @{ City = 'Atlantis' })) } | Should -Throw '*no such city: Atlantis*'
            $binding = New-LlmTool -Name typed -Description d -ScriptBlock { param([int] $N) $N }
            { $binding.Invoke((ConvertTo-ToolArguments @{ N = 'many' })) } | Should -Throw '*Cannot convert*'
        }

        It 'refuses missing mandatory parameters instead of prompting for them' {
            $tool = New-LlmTool Set-TestWidget
            { $tool.Invoke((ConvertTo-ToolArguments @{ Size = 2L })) } | Should -Throw '*Missing required parameter: Name.*'
            $sets = New-LlmTool Get-TestWidget
            { $sets.Invoke((ConvertTo-ToolArguments @{ Limit = 2L })) } | Should -Throw '*give Name, or Id*'
            { $sets.Invoke((ConvertTo-ToolArguments @{ Name = 'a'; Id = 1L })) } | Should -Throw '*cannot be used together*'
            $sets.Invoke((ConvertTo-ToolArguments @{ Id = 7L; Exact = $true })) | Should -Be 'ById:7'
        }

        It 'runs a ConfirmImpact High command without asking again' {
            $tool = New-LlmTool Remove-TestWidget
            $tool.Invoke((ConvertTo-ToolArguments @{ Name = 'w' })) | Should -Be 'removed w'
        }

        It 'caps long output at 16000 characters and says how much was cut' {
            $tool = New-LlmTool -Name long -Description d -ScriptBlock { 'x' * 20000 }
            $text = $tool.Invoke((ConvertTo-ToolArguments))
            $text.Length | Should -Be 16000
            $text -match '…\[truncated (\d+) characters\]$' | Should -BeTrue
            ($text.Length - $Matches[0].Length) + [int] $Matches[1] | Should -Be 20000
        }
    }

    Context 'errors' {
        It 'an unknown command is LlmToolCommandNotFound' {
            $err = $null
            try { New-LlmTool No-SuchCommand } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'LlmToolCommandNotFound,PsLlm.Commands.NewLlmToolCommand'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'an invalid tool name is LlmInvalidToolName' -ForEach @('has space', 'dot.ted', ('x' * 65)) {
            $name, $err = $_, $null
            try { New-LlmTool Get-Date -Name $name } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'LlmInvalidToolName,PsLlm.Commands.NewLlmToolCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            { New-LlmTool -Name $name -Description d -ScriptBlock { } } | Should -Throw -ErrorId 'LlmInvalidToolName,PsLlm.Commands.NewLlmToolCommand'
        }

        It 'a command name that is not a valid tool name is made into one' {
            function My.Cmd { 'ran' }
            (New-LlmTool My.Cmd).Name | Should -Be 'My_Cmd'
        }

        It 'an unknown -Parameter is LlmToolParameterNotFound' {
            $err = $null
            try { New-LlmTool Get-Date -Parameter Format, Nope } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'LlmToolParameterNotFound,PsLlm.Commands.NewLlmToolCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            { New-LlmTool Get-Date -Parameter Verbose } | Should -Throw -ErrorId 'LlmToolParameterNotFound,PsLlm.Commands.NewLlmToolCommand'
            { New-LlmTool Get-Date -Parameter Format -ParameterSetName DateAndUFormat } | Should -Throw -ErrorId 'LlmToolParameterNotFound,PsLlm.Commands.NewLlmToolCommand'
        }

        It 'an unknown -ParameterSetName is LlmToolParameterSetNotFound' {
            $err = $null
            try { New-LlmTool Get-Date -ParameterSetName Nope } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'LlmToolParameterSetNotFound,PsLlm.Commands.NewLlmToolCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match 'DateAndUFormat'
        }

        It 'leaving out a parameter the command cannot run without is LlmToolMandatoryParameterExcluded' {
            { New-LlmTool Get-Date -ParameterSetName DateAndUFormat -Parameter Date } | Should -Throw -ErrorId 'LlmToolMandatoryParameterExcluded,PsLlm.Commands.NewLlmToolCommand'
            { New-LlmTool Set-TestWidget -Parameter Size } | Should -Throw -ErrorId 'LlmToolMandatoryParameterExcluded,PsLlm.Commands.NewLlmToolCommand'
        }

        It 'a native program or a scriptblock given to -Command is LlmToolCommandNotSupported' {
            $err = $null
            try { New-LlmTool (Get-Command $Pwsh -CommandType Application) } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'LlmToolCommandNotSupported,PsLlm.Commands.NewLlmToolCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            { New-LlmTool -Command { 'x' } } | Should -Throw -ErrorId 'LlmToolCommandNotSupported,PsLlm.Commands.NewLlmToolCommand'
        }
    }
}

