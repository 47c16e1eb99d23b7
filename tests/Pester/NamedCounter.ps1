# A PowerShell class handler that names itself, as a handler author writes one. Dot-sourced after
# Import-Module PsLlm, because PowerShell resolves a class's base type when it parses the file.
class NamedCounter : PsLlm.CallbackHandler {
    [int] $Ends
    [guid] $LastRunId
    NamedCounter() { $this.Name = 'Counter of ends' }
    [void] OnLlmEnd([PsLlm.LlmEndEvent] $e) { $this.Ends++; $this.LastRunId = $e.RunId }
}
