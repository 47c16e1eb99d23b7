# The cmdlet help, as Get-Help shows it, against what the cmdlets really are; and every example in
# it run against the fake server.
BeforeDiscovery {
    $modulePath = if ($env:PSLLM_TEST_MODULE) { $env:PSLLM_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/PsLlm' }
    Import-Module $modulePath -Force
    # What an example assumes (<setup>), or why it cannot run here (needs="…"), is written beside it
    # in its doc comment.
    $docs = ([xml](Get-Content (Join-Path $modulePath 'PsLlm.xml') -Raw)).doc.members.member
    $script:commands = (Get-Module PsLlm).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } }
    $script:examples = foreach ($name in $commands.Name) {
        $type = (Get-Command $name).ImplementingType.FullName
        $written = @(($docs | Where-Object name -EQ "T:$type").SelectNodes('example'))
        $number = 0
        foreach ($example in (Get-Help $name -Full).examples.example) {
            $number++
            $source = $written[$number - 1]
            $setup = if ($source['setup']) {
                # As written, without the indentation the documentation file adds (a here-string's end must start its line).
                $lines = $source['setup'].InnerText -split '\r?\n' | Where-Object { $_.Trim() }
                $indent = ($lines | ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum
                ($lines | ForEach-Object { $_.Substring($indent) }) -join "`n"
            }
            @{ Command = $name; Number = $number; Title = $source.GetAttribute('title'); Code = $example.code; Needs = $source.GetAttribute('needs'); Setup = $setup }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters

    function Get-HelpTypeName([type] $Type) {
        if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { $Type = $Type.GenericTypeArguments[0] }
        $Type.FullName
    }

    function Get-PipelineText($Parameter) {
        if ($Parameter.ValueFromPipeline -and $Parameter.ValueFromPipelineByPropertyName) { 'True (ByValue, ByPropertyName)' }
        elseif ($Parameter.ValueFromPipeline) { 'True (ByValue)' }
        elseif ($Parameter.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' }
        else { 'False' }
    }
}

Describe 'Help of <Name>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
        $parameters = @($command.Parameters.Values | Where-Object Name -NotIn $Common)
    }

    It 'has a synopsis, a description and examples, from the doc comments' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+-\S+ \['   # not PowerShell's stand-in syntax line
        $help.description.Text | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
    }

    It 'documents exactly the parameters the cmdlet has, each described' {
        @($help.parameters.parameter.name | Sort-Object) | Should -Be @($parameters.Name | Sort-Object)
        foreach ($documented in $help.parameters.parameter) {
            ($documented.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($documented.name) needs a description"
        }
    }

    It 'gives each parameter its real type, aliases, wildcard support and pipeline binding' {
        foreach ($parameter in $parameters) {
            $documented = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            $documented.type.name | Should -Be (Get-HelpTypeName $parameter.ParameterType) -Because "-$($parameter.Name)'s type"
            $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
            $documented.aliases | Should -Be $aliases -Because "-$($parameter.Name)'s aliases"
            $property = $command.ImplementingType.GetProperty($parameter.Name, [System.Reflection.BindingFlags]'Public, Instance, DeclaredOnly')
            $wildcards = [bool]($property -and $property.GetCustomAttributes([System.Management.Automation.SupportsWildcardsAttribute], $true))
            $documented.globbing | Should -Be $wildcards.ToString().ToLowerInvariant() -Because "-$($parameter.Name) supports wildcards: $wildcards"
            $sets = @($command.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $parameter.Name })
            $documented.required | Should -Be (-not ($sets | Where-Object { -not $_.IsMandatory })).ToString().ToLowerInvariant() -Because "-$($parameter.Name) is mandatory in every set or not"
            $pipeline = @($sets | ForEach-Object { Get-PipelineText $_ } | Sort-Object -Unique)
            $documented.pipelineInput | Should -BeIn $pipeline -Because "-$($parameter.Name)'s pipeline binding"
        }
    }

    It 'has one syntax line per parameter set, with its parameters, positions and mandatory ones' {
        $lines = @($help.syntax.syntaxItem)
        $lines.Count | Should -Be @($command.ParameterSets).Count
        foreach ($set in $command.ParameterSets) {
            $expected = @($set.Parameters | Where-Object Name -NotIn $Common)
            $line = $lines | Where-Object { (@($_.parameter.name | Sort-Object) -join ',') -eq (@($expected.Name | Sort-Object) -join ',') }
            $line | Should -Not -BeNullOrEmpty -Because "the set $($set.Name) needs its syntax line"
            foreach ($parameter in $expected) {
                $shown = @($line)[0].parameter | Where-Object name -EQ $parameter.Name
                $shown.required | Should -Be $parameter.IsMandatory.ToString().ToLowerInvariant() -Because "-$($parameter.Name) in $($set.Name)"
                $shown.position | Should -Be ($parameter.Position -ge 0 ? "$($parameter.Position)" : 'named') -Because "-$($parameter.Name)'s position in $($set.Name)"
                $shown.pipelineInput | Should -Be (Get-PipelineText $parameter) -Because "-$($parameter.Name)'s pipeline binding in $($set.Name)"
            }
        }
    }

    It 'names as outputs the types the cmdlet declares' {
        # "None" says when nothing is written (Export-LlmChatSession without -PassThru).
        $declared = @($command.OutputType | ForEach-Object { $_.Type.FullName } | Sort-Object -Unique) -join ', '
        @($help.returnValues.returnValue.type.name | Where-Object { $_ -ne 'None' } | Sort-Object -Unique) -join ', ' | Should -Be $declared
    }
}

Describe 'Example <Number> of <Command>: <Title>' -ForEach $examples {
    BeforeAll {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) "psllm-example-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory $folder
        $saved = @{}
        foreach ($variable in 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'PSLLM_MODEL', 'PSLLM_LOG_PATH', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'HOME', 'USERPROFILE') {
            $saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
        }
    }

    AfterAll {
        foreach ($variable in $saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) }
        Remove-Item $folder -Recurse -Force -ErrorAction Ignore
    }

    It 'runs without an error' {
        if ($Needs) { Set-ItResult -Skipped -Because "it needs $Needs" }
        Reset-FakeServer
        # The fake server stands in for every OpenAI-compatible server an example names, and is the
        # default client's; the log and ~ are a folder of the example's own.
        $env:HOME = $env:USERPROFILE = $folder
        $env:OPENAI_BASE_URL = $Endpoint
        $env:OPENAI_API_KEY = $TestKey
        $env:PSLLM_MODEL = 'fake-model'
        $env:PSLLM_LOG_PATH = Join-Path $folder 'logs.db'
        $code = $Code -replace 'https?://[^\s''"`)]+/v1(?=[\s''"`)]|$)', $Endpoint

        $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $runspace.Open()
        $shell = [powershell]::Create($runspace)
        try {
            $null = $shell.AddScript({
                    param($ModulePath, $Folder)
                    Import-Module $ModulePath
                    Set-Location $Folder
                    # What a person would type at the prompt.
                    function global:Read-Host([string] $Prompt, [switch] $AsSecureString) {
                        if ($AsSecureString) { ConvertTo-SecureString 'sk-example-key' -AsPlainText -Force } else { 'example input' }
                    }
                }).AddArgument($ModulePath).AddArgument($folder).Invoke()
            if ($Setup) {
                $shell.Commands.Clear()
                $null = $shell.AddScript($Setup).Invoke()
                $shell.Streams.Error | Should -BeNullOrEmpty -Because "the example's setup must work:`n$Setup"
            }
            $shell.Commands.Clear()
            $null = $shell.AddScript($code).AddCommand('Out-String').Invoke()
            $errors = @($shell.Streams.Error | ForEach-Object { "$_ ($($_.FullyQualifiedErrorId))" })
            $errors | Should -BeNullOrEmpty -Because "the example is:`n$code"
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }
}
