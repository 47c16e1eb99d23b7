<#
.SYNOPSIS
    A tour of PsLlm: a chat, a live stream, a callback, and Register-ObjectEvent on the token stream.
.DESCRIPTION
    Run by `./build.ps1 -Demo` against the fake OpenAI server, or by hand against any server:
    ./examples/Demo.ps1 -ModulePath ./out/PsLlm -Endpoint http://localhost:11434/v1 -Model llama3.2
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsLlm'),
    [string] $Endpoint,
    [string] $Model
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$clientArgs = @{}
if ($Endpoint) { $clientArgs.Endpoint = $Endpoint }
if ($Model) { $clientArgs.Model = $Model }
$client = New-LlmClient @clientArgs -Default
Write-Host "Client: $client" -ForegroundColor Cyan

Write-Host "`n1. A plain chat:" -ForegroundColor Cyan
Invoke-LlmChat 'Say hello to PowerShell.' | Format-List Text, Model, FinishReason, Usage, Duration

Write-Host "2. Streaming, printed live:" -ForegroundColor Cyan
Invoke-LlmChat -Stream 'Stream a short sentence, token by token.' | Write-Host -NoNewline
Write-Host

Write-Host "`n3. A callback for the whole session, then a chat:" -ForegroundColor Cyan
$registration = Register-LlmCallback -EventName LlmEnd -Action {
    Write-Host ("   [LlmEnd] {0} tokens in {1:N0} ms" -f $_.Response.Usage.TotalTokens, $_.Response.Duration.TotalMilliseconds) -ForegroundColor DarkGray
}
$null = Invoke-LlmChat 'Anything at all.'
$registration | Unregister-LlmCallback

Write-Host "`n4. Register-ObjectEvent on the client's token stream (actions run while it streams):" -ForegroundColor Cyan
# Event actions run in their own scope: hand them state through -MessageData.
$seen = [System.Collections.Generic.List[string]]::new()
$null = Register-ObjectEvent -InputObject $client -EventName LlmNewToken -SourceIdentifier DemoTokens -MessageData $seen -Action { $Event.MessageData.Add($EventArgs.Token) }
$null = Invoke-LlmChat -Stream 'Count from one to five.'
Unregister-Event -SourceIdentifier DemoTokens
Write-Host "   Register-ObjectEvent action saw $($seen.Count) tokens, before Invoke-LlmChat returned: $($seen -join '')"

Write-Host "`n5. Every event of a run as objects (-AsEvents):" -ForegroundColor Cyan
Invoke-LlmChat 'Short answer please.' -AsEvents | Where-Object EventName -ne LlmNewToken | Format-Table
