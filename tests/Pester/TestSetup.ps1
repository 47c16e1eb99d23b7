# Dot-sourced by every *.Tests.ps1 in BeforeAll: imports the built module and talks to the fake
# OpenAI server that build.ps1 started (PSLLM_TEST_ENDPOINT); started here when run alone.
$ErrorActionPreference = 'Stop'
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:PSLLM_TEST_MODULE) { $env:PSLLM_TEST_MODULE } else { Join-Path $RepoRoot 'out/PsLlm' }
$script:TestKey = 'sk-pester-SECRET-4242424242424242'
# Child processes run the pwsh of this session: $PSHOME holds it for the official packages, the
# .NET tool (where the process itself is `dotnet`) and Windows alike.
$script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

if (-not $env:PSLLM_TEST_ENDPOINT) {
    $dll = Get-ChildItem (Join-Path $RepoRoot 'tests/PsLlm.FakeOpenAI/bin') -Recurse -Filter PsLlm.FakeOpenAI.dll | Select-Object -First 1
    if (-not $dll) { throw 'Build the fake server first: dotnet build tests/PsLlm.FakeOpenAI (or run ./build.ps1 -Test).' }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($dll.FullName)
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardInput = $true
    $global:PsLlmFakeServer = [System.Diagnostics.Process]::Start($info)
    if ($global:PsLlmFakeServer.StandardOutput.ReadLine() -notmatch 'Listening on (\S+)') { throw 'fake server did not start' }
    $env:PSLLM_TEST_ENDPOINT = $Matches[1]
}
$script:Endpoint = $env:PSLLM_TEST_ENDPOINT
$script:AdminBase = $Endpoint -replace '/v1/?$', ''

Import-Module $ModulePath -Force

function Add-FakeReply {
    # Queues scripted replies (FakeReply objects: text, tokens, delayMs, status, …), FIFO.
    param([Parameter(Mandatory, ValueFromPipeline)][hashtable[]] $Reply)
    begin { $all = [System.Collections.Generic.List[object]]::new() }
    process { $all.AddRange([object[]]$Reply) }
    end {
        $body = ConvertTo-Json -InputObject @($all) -Depth 10
        $null = Invoke-RestMethod -Method Post -Uri "$AdminBase/_admin/replies" -Body $body -ContentType 'application/json'
    }
}

# ForEach-Object unrolls the list Invoke-RestMethod writes as one object, so none gives an empty array.
function Get-FakeRequest { @(Invoke-RestMethod -Uri "$AdminBase/_admin/requests" | ForEach-Object { $_ }) }

function Reset-FakeServer { $null = Invoke-RestMethod -Method Post -Uri "$AdminBase/_admin/reset" }

function New-TestClient {
    param([string] $Model = 'fake-model', [int] $MaxRetries = 0, [hashtable] $Header, [object[]] $Callback, [switch] $NoKey)
    $clientArgs = @{ Endpoint = $Endpoint; Model = $Model; MaxRetries = $MaxRetries }
    if (-not $NoKey) { $clientArgs.ApiKey = ConvertTo-SecureString $TestKey -AsPlainText -Force }
    if ($Header) { $clientArgs.Header = $Header }
    if ($Callback) { $clientArgs.Callback = $Callback }
    New-LlmClient @clientArgs
}

function Remove-AllLlmCallbacks { Get-LlmCallback | Unregister-LlmCallback -Confirm:$false }
