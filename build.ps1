#requires -Version 7.4
<#
.SYNOPSIS
    Builds the PsLlm module into out/PsLlm, and optionally tries it or runs every test.
.DESCRIPTION
    Default: publishes the engine and its dependencies to out/PsLlm/deps and lays out the module
    (manifest, PsLlm.dll, PsLlm.Abstractions.dll, formats, help).
    -Demo: then imports the built module and streams a chat with callbacks, against the fake
           OpenAI server (or your own server when OPENAI_BASE_URL / OPENAI_API_KEY are set).
    -Test: then runs the xunit engine tests and the Pester suite (installing Pester 5 from the
           gallery when it is missing), and prints one closing line with the counts of both.
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

function Invoke-Native([string] $File, [string[]] $Arguments) {
    # To the host, not the pipeline: callers return objects of their own.
    & $File @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Build-Module {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    $deps = Join-Path $out 'deps'
    Write-Host "Building PsLlm ($Configuration) into $out" -ForegroundColor Cyan
    # The engine and everything it needs (OpenAI, System.ClientModel, System.Text.Json 10, …) go to
    # deps/, loaded by the module's private AssemblyLoadContext.
    Invoke-Native dotnet @('publish', "$root/src/PsLlm.Engine/PsLlm.Engine.csproj", '-c', $Configuration, '-o', $deps, '--nologo', '-v', 'quiet')
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
    # Native assets for platforms pwsh does not run on (Android, iOS, Mac Catalyst, WebAssembly).
    Get-ChildItem (Join-Path $deps 'runtimes') -Directory -ErrorAction Ignore |
        Where-Object Name -NotMatch '^(linux|osx|win|unix)(-|$)' | Remove-Item -Recurse
    Copy-Item "$root/PsLlm.psd1", "$root/PsLlm.format.ps1xml", "$root/PsLlm.types.ps1xml" $out
    Copy-Item "$root/help/en-US" (Join-Path $out 'en-US') -Recurse
    Write-Host "Module ready: Import-Module $out" -ForegroundColor Green
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
        & pwsh -NoProfile -File (Join-Path $root 'examples/Demo.ps1') -ModulePath $out -Endpoint $server.Url
        if ($LASTEXITCODE -ne 0) { throw "Demo failed with exit code $LASTEXITCODE" }
    }
    finally {
        if ($server) { $server.Process.Kill(); $server.Process.WaitForExit() }
    }
}

function Invoke-XunitTests {
    $results = Join-Path $root 'out/TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test "$root/tests/PsLlm.Engine.Tests/PsLlm.Engine.Tests.csproj" -c $Configuration --nologo `
        --logger 'console;verbosity=normal' --logger 'trx;LogFileName=engine.trx' --results-directory $results | Out-Host
    $trx = [xml](Get-Content (Join-Path $results 'engine.trx') -Raw)
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted; ExitCode = $LASTEXITCODE }
}

function Install-PesterIfMissing {
    if (Get-Module Pester -ListAvailable | Where-Object Version -GE '5.0.0') { return }
    Write-Warning 'Pester 5 is not installed; installing it from the PowerShell Gallery for the current user.'
    Install-Module Pester -MinimumVersion 5.0.0 -Scope CurrentUser -Force -SkipPublisherCheck
}

function Invoke-PesterTests {
    Install-PesterIfMissing
    Import-Module Pester -MinimumVersion 5.0.0
    $server = Start-FakeServer
    try {
        $env:PSLLM_TEST_ENDPOINT = $server.Url
        $env:PSLLM_TEST_MODULE = $out
        $config = New-PesterConfiguration
        $config.Run.Path = Join-Path $root 'tests/Pester'
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        [pscustomobject]@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; Skipped = $result.SkippedCount; ExitCode = 0 }
    }
    finally {
        $server.Process.Kill()
        $server.Process.WaitForExit()
    }
}

Build-Module
if ($Demo) { Invoke-Demo }
if ($Test) {
    $xunit = Invoke-XunitTests
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped" -ForegroundColor Cyan
    $pester = Invoke-PesterTests
    Write-Host "pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped" -ForegroundColor Cyan
    $failed = $xunit.Failed + $pester.Failed + [int]($xunit.ExitCode -ne 0 -and $xunit.Failed -eq 0)
    # One closing line for both suites, the form CI reads.
    Write-Host "total: $($xunit.Passed + $pester.Passed) passed, $failed failed, $($xunit.Skipped + $pester.Skipped) skipped"
    if ($failed -gt 0) { exit 1 }
}
