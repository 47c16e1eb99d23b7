# New-LlmClient -Proxy/-ProxyCredential/-NoProxy, and the environment's proxy, through the fake
# server's loopback proxy. The endpoint's host name (fake-openai.test) resolves only in the proxy,
# so a chat that answers went through it.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:proxy = Get-FakeProxy
    $script:port = ([uri]$Endpoint).Port
    $script:proxiedEndpoint = "http://$($proxy.host):$port/v1"
    $script:password = 'proxy-SECRET-pass-42'
    $script:credential = [pscredential]::new('builder', (ConvertTo-SecureString $password -AsPlainText -Force))
}

AfterAll {
    $null = Get-FakeProxy -User $null
    Reset-FakeServer
}

Describe 'New-LlmClient -Proxy' {
    BeforeEach {
        Reset-FakeServer
        # Reset forgets the proxy's credentials and requests too.
        $script:proxy = Get-FakeProxy
    }

    It 'sends chats through the proxy, and shows it on the client' {
        Add-FakeReply @{ text = 'through the proxy' }
        $client = New-LlmClient -Endpoint $proxiedEndpoint -Model fake-model -MaxRetries 0 -Proxy $proxy.uri
        $client.Proxy | Should -Be ([uri]$proxy.uri)
        $client.HasProxyCredential | Should -BeFalse
        (Invoke-LlmChat 'hi' -Client $client).Text | Should -Be 'through the proxy'
        $seen = (Get-FakeProxy).requests
        $seen[-1].method | Should -Be 'POST'
        $seen[-1].target | Should -Be "$proxiedEndpoint/chat/completions"
    }

    It 'gives -ProxyCredential when the proxy asks (407), and never shows the password' {
        $null = Get-FakeProxy -User builder -Password $password
        Add-FakeReply @{ tokens = @('with', ' credentials') }
        $client = New-LlmClient -Endpoint $proxiedEndpoint -Model fake-model -MaxRetries 0 -Proxy $proxy.uri -ProxyCredential $credential
        $client.HasProxyCredential | Should -BeTrue
        (Invoke-LlmChat 'hi' -Client $client -Stream | ForEach-Object Text) -join '' | Should -Be 'with credentials'
        (Get-FakeProxy).requests[-1].hadCredentials | Should -BeTrue
        $shown = ($client | Format-List * | Out-String) + ($client | ConvertTo-Json -Depth 3 -WarningAction Ignore) + "$client"
        $shown | Should -Not -Match $password
        $client.PSObject.Properties.Name | Should -Not -Contain 'ProxyCredential'
    }

    It 'a proxy that refuses the client fails with LlmProxyAuthenticationRequired, without the password in the error' {
        $null = Get-FakeProxy -User builder -Password 'another-password'
        $client = New-LlmClient -Endpoint $proxiedEndpoint -Model fake-model -MaxRetries 0 -Proxy $proxy.uri -ProxyCredential $credential
        Invoke-LlmChat 'hi' -Client $client -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmProxyAuthenticationRequired,*'
        $failed[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($failed[0] | Format-List * -Force | Out-String) + $failed[0].Exception.ToString() | Should -Not -Match $password
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It 'Get-LlmModel goes through the proxy as well' {
        $client = New-LlmClient -Endpoint $proxiedEndpoint -Model fake-model -MaxRetries 0 -Proxy $proxy.uri
        (Get-LlmModel -Client $client -Refresh).Id | Should -Be 'fake-model'
        (Get-FakeProxy).requests[-1].target | Should -Be "$proxiedEndpoint/models"
    }

    It 'a proxy URL with a user name and password is refused: credentials go in -ProxyCredential' {
        { New-LlmClient -Endpoint $Endpoint -Proxy 'http://user:secret-in-url@proxy.example.com:8080' } |
            Should -Throw -ErrorId 'LlmInvalidProxy,PsLlm.Commands.NewLlmClientCommand'
        try { New-LlmClient -Endpoint $Endpoint -Proxy 'http://user:secret-in-url@proxy.example.com:8080' } catch { "$_" | Should -Not -Match 'secret-in-url' }
    }

    It 'a proxy that is not an http URL is refused before anything is sent' {
        { New-LlmClient -Endpoint $Endpoint -Proxy 'ftp://proxy.example.com' } | Should -Throw -ErrorId 'LlmInvalidProxy,PsLlm.Commands.NewLlmClientCommand'
    }

    It '-NoProxy with -Proxy is a contradiction' {
        { New-LlmClient -Endpoint $Endpoint -Proxy $proxy.uri -NoProxy } | Should -Throw -ErrorId 'LlmInvalidProxy,PsLlm.Commands.NewLlmClientCommand'
    }
}

Describe 'The environment''s proxy' {
    BeforeAll {
        # .NET reads HTTP_PROXY once per process, so each case runs in a pwsh of its own.
        function Invoke-ChildChat([string] $ClientArguments) {
            $command = @"
Import-Module '$ModulePath'
`$c = New-LlmClient -Endpoint '$proxiedEndpoint' -Model fake-model -MaxRetries 0 -Timeout 10 $ClientArguments
`$r = Invoke-LlmChat 'hi' -Client `$c -ErrorAction SilentlyContinue -ErrorVariable failed
if (`$r) { "ANSWER[`$r]" } else { "ERROR[`$(`$failed[0].FullyQualifiedErrorId)]" }
"@
            $saved = $env:HTTP_PROXY
            $env:HTTP_PROXY = $proxy.uri
            try { & $Pwsh -NoProfile -NonInteractive -Command $command 2>&1 | Out-String }
            finally { $env:HTTP_PROXY = $saved }
        }
    }

    BeforeEach {
        Reset-FakeServer
        $script:proxy = Get-FakeProxy
    }

    It 'is used when no -Proxy is given' {
        Add-FakeReply @{ text = 'via HTTP_PROXY' }
        Invoke-ChildChat '' | Should -Match 'ANSWER\[via HTTP_PROXY\]'
        (Get-FakeProxy).requests | Should -Not -BeNullOrEmpty
    }

    It '-NoProxy goes past it (and so cannot reach a name only the proxy knows)' {
        Add-FakeReply @{ text = 'unreachable' }
        Invoke-ChildChat '-NoProxy' | Should -Match 'ERROR\[LlmConnectionFailed'
        (Get-FakeProxy).requests | Should -BeNullOrEmpty
    }
}
