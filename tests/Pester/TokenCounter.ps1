# A PowerShell class handler, as users write them. Dot-sourced after Import-Module PsLlm, because
# PowerShell resolves a class's base type when it parses the file.
class TokenCounter : PsLlm.CallbackHandler {
    [int] $Tokens
    [string] $FinalText
    [void] OnLlmNewToken([PsLlm.LlmNewTokenEvent] $e) { $this.Tokens++ }
    [void] OnLlmEnd([PsLlm.LlmEndEvent] $e) { $this.FinalText = $e.Response.Text }
}
