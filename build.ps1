#requires -Version 7.4
<#
.SYNOPSIS
    Builds the PsLlm module into out/PsLlm, and optionally tries it or runs every test.
.DESCRIPTION
    Default: publishes the engine and its dependencies to out/PsLlm/deps and lays out the module
    (manifest, PsLlm.dll, PsLlm.Abstractions.dll, formats, help compiled from the cmdlets' doc
    comments by help/Build-Help.ps1).
    -Demo: then imports the built module and streams a chat with callbacks, against the fake
           OpenAI server (or your own server when OPENAI_BASE_URL / OPENAI_API_KEY are set).
    -Test: then runs every suite: the xunit engine tests, the in-process module tests (PowerShell
           hosted through its SDK) and the Pester suite in this pwsh (Pester 5.9.1 restored from
           NuGet into out/tools when no Pester 5 is installed), and prints one closing line,
           "N passed, N failed", that counts them all.
.EXAMPLE
    ./build.ps1 -Demo
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [switch] $Test,
    [switch] $Demo,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out/PsLlm'
$PesterVersion = '5.9.1'
# The pwsh running this script, wherever it is installed (a .NET tool runs as `dotnet`).
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

function Invoke-Native([string] $File, [string[]] $Arguments) {
    # To the host, not the pipeline: callers return objects of their own.
    & $File @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# The platforms pwsh 7.4+ runs on: only their native SQLite builds are shipped.
$NativePlatforms = 'win-x64', 'win-arm64', 'linux-x64', 'linux-arm64', 'linux-arm', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64'

function Build-Module {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    $deps = Join-Path $out 'deps'
    Write-Host "Building PsLlm ($Configuration) into $out" -ForegroundColor Cyan
    # The engine and everything it needs (OpenAI, System.ClientModel, System.Text.Json 10, …) go to
    # deps/, loaded by the module's private AssemblyLoadContext.
    Invoke-Native dotnet @('publish', "$root/src/PsLlm.Engine/PsLlm.Engine.csproj", '-c', $Configuration, '-o', $deps, '--nologo', '-v', 'quiet')
    Optimize-OpenAIAssembly $deps
    Invoke-Native dotnet @('build', "$root/src/PsLlm/PsLlm.csproj", '-c', $Configuration, '--nologo', '-v', 'quiet')
    $bin = Join-Path $root "src/PsLlm/bin/$Configuration/net8.0"
    foreach ($name in 'PsLlm', 'PsLlm.Abstractions') {
        foreach ($ext in '.dll', '.pdb', '.xml') {
            $file = Join-Path $bin "$name$ext"
            if (Test-Path $file) { Copy-Item $file $out }
        }
        # Shared types must load once, in the default context, never from deps/.
        foreach ($ext in '.dll', '.pdb', '.xml') { Remove-Item (Join-Path $deps "$name$ext") -ErrorAction Ignore }
    }
    # Native SQLite for the platforms pwsh runs on, from an explicit list; the package has more.
    $runtimes = Join-Path $deps 'runtimes'
    foreach ($platform in Get-ChildItem $runtimes -Directory -ErrorAction Ignore) {
        if ($platform.Name -notin $NativePlatforms) { Remove-Item $platform.FullName -Recurse -Force }
    }
    foreach ($platform in $NativePlatforms) {
        if (-not (Test-Path (Join-Path $runtimes "$platform/native"))) { throw "The native SQLite library for $platform is missing from the engine's publish output." }
    }
    Copy-Item "$root/PsLlm.psd1", "$root/PsLlm.format.ps1xml", "$root/PsLlm.types.ps1xml" $out
    # What users are owed with the module: its license, its dependencies' licenses and notices, and what changed.
    Copy-Item "$root/LICENSE", "$root/THIRD-PARTY-NOTICES.txt", "$root/CHANGELOG.md" $out
    Copy-Item "$root/help/en-US" (Join-Path $out 'en-US') -Recurse
    # The cmdlet help is compiled from the cmdlets' doc comments and the cmdlets themselves, in a
    # pwsh of its own so this one does not keep the module loaded.
    Invoke-Native $pwsh @('-NoProfile', '-File', "$root/help/Build-Help.ps1", '-ModulePath', $out, '-DocumentationFile', (Join-Path $bin 'PsLlm.xml'))
    $size = (Get-ChildItem $out -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
    Write-Host ("Module ready ({0:N1} MB): Import-Module $out" -f $size) -ForegroundColor Green
}

function Optimize-OpenAIAssembly([string] $Deps) {
    # OpenAI.dll holds the whole OpenAI API (5.5 MB); PsLlm calls a small part of it. The .NET
    # trimmer, run on a throw-away self-contained publish (see the TrimOnlyOpenAI target), keeps
    # what the engine reaches; the SDK is annotated as trim-safe. Only OpenAI.dll and
    # System.ClientModel.dll are trimmed and taken from it: every other assembly stays whole, so the trimmed SDK still implements every
    # interface member they declare, and no trimmer feature switch (no reflection-based JSON, …)
    # reaches code that pwsh runs with its own settings.
    $trimmed = Join-Path $root 'out/obj/trimmed'
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    Invoke-Native dotnet @('publish', "$root/src/PsLlm.Engine/PsLlm.Engine.csproj", '-c', $Configuration, '-o', $trimmed, '-r', $rid,
        '--self-contained', 'true', '-p:PublishTrimmed=true', '-p:PsLlmTrimOpenAI=true', '-p:TrimMode=partial', '-p:SuppressTrimAnalysisWarnings=true',
        '-p:TreatWarningsAsErrors=false', '--nologo', '-v', 'quiet')
    foreach ($name in 'OpenAI.dll', 'System.ClientModel.dll') { Copy-Item (Join-Path $trimmed $name) (Join-Path $Deps $name) -Force }
    Remove-Item $trimmed -Recurse -Force
}

function Start-FakeServer {
    Invoke-Native dotnet @('build', "$root/tests/PsLlm.FakeOpenAI/PsLlm.FakeOpenAI.csproj", '-c', $Configuration, '--nologo', '-v', 'quiet')
    $dll = Join-Path $root "tests/PsLlm.FakeOpenAI/bin/$Configuration/net10.0/PsLlm.FakeOpenAI.dll"
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($dll)
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardInput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch 'Listening on (\S+)') { $process.Kill(); throw "Fake server did not start: $line" }
    [pscustomobject]@{ Process = $process; Url = $Matches[1] }
}

function Invoke-Demo {
    $server = $null
    if (-not $env:OPENAI_API_KEY -and -not $env:OPENAI_BASE_URL) {
        $server = Start-FakeServer
        Write-Host "No OPENAI_API_KEY/OPENAI_BASE_URL: using the fake OpenAI server at $($server.Url)" -ForegroundColor Yellow
    }
    try {
        & $pwsh -NoProfile -File (Join-Path $root 'examples/Demo.ps1') -ModulePath $out -Endpoint $server.Url
        if ($LASTEXITCODE -ne 0) { throw "Demo failed with exit code $LASTEXITCODE" }
    }
    finally {
        if ($server) { $server.Process.Kill(); $server.Process.WaitForExit() }
    }
}

function Invoke-XunitTests([string] $Project, [string] $Name) {
    # One results folder per suite: dotnet test names its .trx files itself.
    $results = Join-Path $root "out/TestResults/$Name"
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test (Join-Path $root $Project) -c $Configuration --nologo `
        --logger 'console;verbosity=normal' --logger "trx;LogFileName=$Name.trx" --results-directory $results | Out-Host
    $exitCode = $LASTEXITCODE
    $trx = Join-Path $results "$Name.trx"
    if (-not (Test-Path $trx)) {
        # The build or the test host failed before any test ran.
        return [pscustomobject]@{ Name = $Name; Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error
    [pscustomobject]@{ Name = $Name; Passed = [int]$counters.passed; Failed = $failed + [int]($exitCode -ne 0 -and $failed -eq 0); Skipped = [int]$counters.notExecuted }
}

function Import-Pester {
    # An installed Pester 5 wins; otherwise Pester 5.9.1 comes from NuGet (its tools/ folder is the
    # module) into out/tools, which goes on PSModulePath for this run only. No gallery needed.
    $installed = Get-Module Pester -ListAvailable | Where-Object { $_.Version.Major -eq 5 } |
        Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { Import-Module $installed.Path -Force; return }
    $modules = Join-Path $root 'out/tools/modules'
    $module = Join-Path $modules "Pester/$PesterVersion"
    if (-not (Test-Path (Join-Path $module 'Pester.psd1'))) {
        Write-Host "Pester 5 is not installed: restoring Pester $PesterVersion from NuGet into $modules" -ForegroundColor Yellow
        $restore = Join-Path $root 'out/tools/restore'
        $packages = Join-Path $root 'out/tools/packages'
        $null = New-Item -ItemType Directory -Force $restore
        # PackageDownload fetches a package that is not a library, without a build.
        Set-Content (Join-Path $restore 'Pester.Restore.csproj') @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><ImportDirectoryBuildProps>false</ImportDirectoryBuildProps></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PesterVersion]" /></ItemGroup>
</Project>
"@
        Invoke-Native dotnet @('restore', (Join-Path $restore 'Pester.Restore.csproj'), '--packages', $packages, '--nologo', '-v', 'quiet')
        $null = New-Item -ItemType Directory -Force $module
        Copy-Item (Join-Path $packages "pester/$PesterVersion/tools/*") $module -Recurse -Force
    }
    $env:PSModulePath = $modules + [System.IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module Pester -RequiredVersion $PesterVersion -Force
}

function Install-McpTestServer {
    # The MCP tests talk to the reference server itself, from npm (tests/mcp, pinned by its lock
    # file). Without Node.js they are skipped, each saying why; that is said here too.
    $folder = Join-Path $root 'tests/mcp'
    if (-not (Get-Command npm -CommandType Application -ErrorAction Ignore) -or -not (Get-Command node -CommandType Application -ErrorAction Ignore)) {
        Write-Warning 'Node.js (node, npm) is not on PATH: the tests against real MCP servers will be skipped.'
        return
    }
    if (Test-Path (Join-Path $folder 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')) { return }
    Write-Host 'Installing the MCP reference server for the tests (npm ci in tests/mcp)' -ForegroundColor Yellow
    Invoke-Native npm @('ci', '--prefix', $folder, '--no-audit', '--no-fund', '--loglevel', 'error')
}

function Invoke-PesterTests {
    Import-Pester
    Install-McpTestServer
    $server = Start-FakeServer
    try {
        $env:PSLLM_TEST_ENDPOINT = $server.Url
        $env:PSLLM_TEST_MODULE = $out
        $config = New-PesterConfiguration
        $config.Run.Path = Join-Path $root 'tests/Pester'
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        [pscustomobject]@{ Name = 'pester'; Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; Skipped = $result.SkippedCount }
    }
    finally {
        $server.Process.Kill()
        $server.Process.WaitForExit()
    }
}

Build-Module
if ($Demo) { Invoke-Demo }
if ($Test) {
    # Every suite runs even when one fails, so one run shows everything that is wrong.
    $suites = @(
        Invoke-XunitTests 'tests/PsLlm.Engine.Tests/PsLlm.Engine.Tests.csproj' 'engine'
        Invoke-XunitTests 'tests/PsLlm.Tests/PsLlm.Tests.csproj' 'module'
        Invoke-PesterTests
    )
    foreach ($suite in $suites) {
        Write-Host "$($suite.Name): $($suite.Passed) passed, $($suite.Failed) failed, $($suite.Skipped) skipped" -ForegroundColor Cyan
    }
    $passed = ($suites | Measure-Object Passed -Sum).Sum
    $failed = ($suites | Measure-Object Failed -Sum).Sum
    # The closing line CI reads: every suite counted.
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}
