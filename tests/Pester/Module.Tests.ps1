BeforeDiscovery {
    $script:manifestCmdlets = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../PsLlm.psd1')).CmdletsToExport
}
BeforeAll { . $PSScriptRoot/TestSetup.ps1 }

Describe 'PsLlm module' {
    It 'exports every cmdlet it implements, as listed in the manifest, and nothing else' {
        $implemented = [PsLlm.Commands.InvokeLlmChatCommand].Assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } | Sort-Object
        $manifest = (Import-PowerShellDataFile (Join-Path $ModulePath 'PsLlm.psd1')).CmdletsToExport | Sort-Object
        $manifest | Should -Be $implemented
        (Get-Module PsLlm).ExportedCommands.Keys | Sort-Object | Should -Be $implemented
    }

    It 'has help with a synopsis, examples and described parameters for <_>' -ForEach $manifestCmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+-\S+ \['   # not the auto-generated syntax line
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($parameter in (Get-Command $_).Parameters.Values | Where-Object { $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_.Name -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) {
            ($help.parameters.parameter | Where-Object name -EQ $parameter.Name).description | Should -Not -BeNullOrEmpty -Because "$($parameter.Name) needs a description"
        }
    }

    It 'ships its license, the notices of every third-party file in deps/, and its changes' {
        foreach ($file in 'LICENSE', 'THIRD-PARTY-NOTICES.txt', 'CHANGELOG.md') { Test-Path (Join-Path $ModulePath $file) | Should -BeTrue -Because "$file ships" }
        Get-Content (Join-Path $ModulePath 'LICENSE') -Raw | Should -Match 'MIT License'
        $notices = Get-Content (Join-Path $ModulePath 'THIRD-PARTY-NOTICES.txt') -Raw
        $notices | Should -Match 'Apache License\s+Version 2\.0'
        foreach ($dll in Get-ChildItem (Join-Path $ModulePath 'deps') -Filter *.dll | Where-Object Name -NotLike 'PsLlm*') {
            $notices | Should -Match ([regex]::Escape($dll.Name)) -Because "$($dll.Name) is shipped, so its license is owed"
        }
        $notices | Should -Match 'e_sqlite3'
        $data = (Import-PowerShellDataFile (Join-Path $ModulePath 'PsLlm.psd1')).PrivateData.PSData
        $data.LicenseUri | Should -Match '^https://'
        $data.ReleaseNotes | Should -Match 'CHANGELOG\.md'
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        (Get-Module PsLlm).ExportedCommands.Values | ForEach-Object { $_.Verb | Should -BeIn $approved }
    }

    It 'exposes public types to PowerShell but keeps the OpenAI SDK private' {
        [PsLlm.CallbackHandler] | Should -Not -BeNullOrEmpty
        [PsLlm.ChatResponse] | Should -Not -BeNullOrEmpty
        { [OpenAI.Chat.ChatClient] } | Should -Throw
        $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PsLlm.Engine' }
        # Loaded on first use; a chat makes sure.
        Add-FakeReply @{ text = 'warm' }
        $null = Invoke-LlmChat 'warm up' -Client (New-TestClient)
        $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PsLlm.Engine' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'PsLlm.Engine'
        $sdk = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'OpenAI' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($sdk).Name | Should -Be 'PsLlm.Engine'
    }

    It 'lays the module out with the engine and SDK under deps/' {
        Test-Path (Join-Path $ModulePath 'PsLlm.dll') | Should -BeTrue
        Test-Path (Join-Path $ModulePath 'deps/PsLlm.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $ModulePath 'deps/OpenAI.dll') | Should -BeTrue
        Test-Path (Join-Path $ModulePath 'PsLlm.Engine.dll') | Should -BeFalse
        Test-Path (Join-Path $ModulePath 'deps/PsLlm.Abstractions.dll') | Should -BeFalse
    }

    It 'imports and chats where another System.ClientModel version was loaded first' {
        # A fresh pwsh whose default load context already holds an impostor System.ClientModel 1.0
        # (compiled with the Roslyn that pwsh ships, since Add-Type names assemblies at random):
        # PsLlm must still chat, because its SDK stack loads privately from deps/.
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("psllm-alc-" + [guid]::NewGuid())
        $null = New-Item -ItemType Directory $dir
        $probe = Join-Path $dir 'probe.ps1'
        Set-Content $probe -Value @'
param($ModulePath, $Endpoint, $Dir)
$ErrorActionPreference = 'Stop'
$fake = Join-Path $Dir 'System.ClientModel.dll'
Add-Type -TypeDefinition 'public static class RoslynWarmup { }'   # loads the compiler PowerShell ships
$tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText('[assembly: System.Reflection.AssemblyVersion("1.0.0.0")] namespace System.ClientModel { public class ImpostorMarker { } }')
$references = [Microsoft.CodeAnalysis.MetadataReference[]]@([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location))
$options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
$compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('System.ClientModel', [Microsoft.CodeAnalysis.SyntaxTree[]]@($tree), $references, $options)
$stream = [System.IO.File]::Create($fake)
try { $emitted = $compilation.Emit($stream, $null, $null, $null, $null, $null, $null, $null, $null, $null, [System.Threading.CancellationToken]::None) } finally { $stream.Dispose() }
if (-not $emitted.Success) { throw ($emitted.Diagnostics -join "`n") }
$null = [System.Reflection.Assembly]::LoadFrom($fake)
$first = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'System.ClientModel' }
if ($first.GetName().Version -ne [version]'1.0.0.0') { throw 'impostor not loaded first' }
Import-Module $ModulePath
$c = New-LlmClient -Endpoint $Endpoint -Model fake-model -MaxRetries 0
(Invoke-LlmChat 'isolation check' -Client $c).Text
[System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'System.ClientModel' } | ForEach-Object { "$($_.GetName().Version) in $([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)" }
'@
       try {
            Add-FakeReply @{ text = 'isolated fine' }
            $output = & $Pwsh -NoProfile -NonInteractive -File $probe -ModulePath $ModulePath -Endpoint $Endpoint -Dir $dir 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
            $output | Should -Contain 'isolated fine'
            $output | Should -Contain '1.0.0.0 in Default'
            $output | Where-Object { $_ -like '*in PsLlm.Engine' } | Should -Not -BeNullOrEmpty
        }
        finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'The demo that build.ps1 -Demo runs (the README''s first command)' {
    It 'runs to its end against the fake server, in a pwsh of its own' {
        Reset-FakeServer
        $output = & $Pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/Demo.ps1') -ModulePath $ModulePath -Endpoint $Endpoint 2>&1 6>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match 'Register-ObjectEvent action saw \d+ tokens'
        $output | Should -Match 'ChainEnd'
    }
}
