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

# Runs Start-LlmChat in a child pwsh with stdin redirected: writes $Lines, closes stdin (the
# end of input), and returns what it printed and the objects it wrote (through Export-Clixml).
function Invoke-ChatChild([string[]] $Lines, [string] $Arguments = '', [string] $Before = '', [string] $After = '') {
    $xml = Join-Path $TestDrive "out-$([guid]::NewGuid().ToString('N')).xml"
    $command = @"
`$PSStyle.OutputRendering = 'PlainText'
Import-Module '$ModulePath'
`$c = New-LlmClient -Endpoint '$Endpoint' -MaxRetries 0
$Before
Start-LlmChat -Client `$c -PassThru $Arguments | Export-Clixml -Path '$xml'
$After
"@
    $info = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $command) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.WorkingDirectory = $TestDrive
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        foreach ($line in $Lines) { $process.StandardInput.WriteLine($line) }
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(60000)) { $process.Kill(); throw "Start-LlmChat did not end: $($stdout.Result)" }
        [pscustomobject]@{
            Out      = $stdout.GetAwaiter().GetResult()
            Err      = $stderr.GetAwaiter().GetResult()
            ExitCode = $process.ExitCode
            Objects  = if (Test-Path $xml) { @(Import-Clixml $xml) } else { @() }
        }
    }
    finally { $process.Dispose() }
}

# What the fake server's GET /v1/models answers: status, body (any server's shape) and a delay.
function Set-FakeModels([int] $Status = 200, $Body, [int] $DelayMs = 0) {
    $answer = @{ status = $Status; body = $Body; delayMs = $DelayMs } | ConvertTo-Json -Depth 10
    $null = Invoke-RestMethod -Method Post -Uri "$AdminBase/_admin/models" -Body $answer -ContentType 'application/json'
}

# The fake server's loopback proxy (started on first use): its URI, the host name that reaches the
# fake server through it, and the requests it saw. -User/-Password make it ask for those.
function Get-FakeProxy([string] $User, [string] $Password) {
    if (-not $User) { return Invoke-RestMethod -Uri "$AdminBase/_admin/proxy" }
    $settings = @{ user = $User; password = $Password } | ConvertTo-Json
    Invoke-RestMethod -Method Post -Uri "$AdminBase/_admin/proxy" -Body $settings -ContentType 'application/json'
}

# How the fake server's next batches behave: a status they stay at, items (by custom_id) that fail.
function Set-FakeBatches([string] $HoldAt, [string[]] $FailCustomIds = @(), [int] $FailStatus = 400) {
    $settings = @{ holdAt = $HoldAt; failCustomIds = @($FailCustomIds); failStatus = $FailStatus } | ConvertTo-Json
    $null = Invoke-RestMethod -Method Post -Uri "$AdminBase/_admin/batches" -Body $settings -ContentType 'application/json'
}
