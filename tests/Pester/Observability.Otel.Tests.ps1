BeforeDiscovery {
    # pwsh 7.6+ runs on .NET 10, whose System.Diagnostics.DiagnosticSource is as new as the one the
    # engine needs, so the engine's load context shares it and PsLlm's ActivitySource is the one
    # every listener in the process sees. On pwsh 7.4/7.5 the engine loads its own copy from deps/:
    # OTLP export works, but listeners outside PsLlm cannot see its spans.
    $script:sharedDiagnostics = [System.Diagnostics.ActivitySource].Assembly.GetName().Version -ge [version]'10.0.0.0'
}

BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient

    # An ActivityListener written in C# and compiled from PowerShell: it lives in the default load
    # context, like any other module's or host's telemetry, not in PsLlm's private one.
    if (-not ('PsLlmOtelTestListener' -as [type])) {
        Add-Type -TypeDefinition @'
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;

public sealed class PsLlmOtelTestListener : System.IDisposable
{
    private readonly ActivityListener _listener;
    public ConcurrentQueue<Activity> Spans { get; } = new ConcurrentQueue<Activity>();

    public PsLlmOtelTestListener()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "PsLlm",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Spans.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Activity Named(string name) { return Spans.Single(s => s.DisplayName == name); }
    public object Tag(string name, string key) { return Named(name).GetTagItem(key); }
    public void Dispose() { _listener.Dispose(); }
}
'@
    }

    # A minimal OTLP/HTTP collector: System.Net.HttpListener served by a thread job, so the session
    # can block in Flush() or in a child pwsh while exports arrive. It keeps each request's path and
    # body; protobuf strings are plain UTF-8, so span and metric names can be found in the body.
    function Start-OtlpReceiver {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $received = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
        $job = Start-ThreadJob -ArgumentList $listener, $received -ScriptBlock {
            param($listener, $received)
            while ($listener.IsListening) {
                try { $context = $listener.GetContext() } catch { break }
                $body = [System.IO.MemoryStream]::new()
                $context.Request.InputStream.CopyTo($body)
                $received.Enqueue([pscustomobject]@{
                        Path        = $context.Request.Url.AbsolutePath
                        ContentType = $context.Request.ContentType
                        ApiKey      = $context.Request.Headers['x-api-key']
                        Text        = [System.Text.Encoding]::UTF8.GetString($body.ToArray())
                    })
                $context.Response.StatusCode = 200
                $context.Response.ContentType = 'application/x-protobuf'
                $context.Response.Close()
            }
        }
        [pscustomobject]@{ Url = "http://127.0.0.1:$port"; Received = $received; Listener = $listener; Job = $job }
    }

    function Stop-OtlpReceiver($Receiver) {
        $Receiver.Listener.Stop()
        $Receiver.Listener.Close()
        $null = $Receiver.Job | Wait-Job -Timeout 10
        $Receiver.Job | Remove-Job -Force
    }

    # The tests set and clear the standard OTEL_* variables; whatever the caller had comes back afterwards.
    $script:otelVariables = 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SERVICE_NAME', 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'
    $script:savedOtelVariables = @{}
    foreach ($name in $otelVariables) { $savedOtelVariables[$name] = [Environment]::GetEnvironmentVariable($name) }
    function Clear-OtelVariables {
        foreach ($name in $otelVariables) { [Environment]::SetEnvironmentVariable($name, $null) }
    }
}

AfterAll {
    foreach ($name in $otelVariables) { [Environment]::SetEnvironmentVariable($name, $savedOtelVariables[$name]) }
}

Describe 'New-LlmOtelHandler' {
    BeforeEach { Clear-OtelVariables }

    It 'is exported and writes a PsLlm.CallbackHandler' {
        (Get-Command -Module PsLlm).Name | Should -Contain 'New-LlmOtelHandler'
        (Get-Command New-LlmOtelHandler).OutputType.Type | Should -Be ([PsLlm.CallbackHandler])
        $handler = New-LlmOtelHandler -NoExport
        $handler | Should -BeOfType ([PsLlm.CallbackHandler])
        $handler.Name | Should -Be 'OpenTelemetry'
        $handler.Exporting | Should -BeFalse
        $handler.CaptureContent | Should -BeFalse
        $handler.Flush() | Should -BeTrue
    }

    It 'takes endpoint, protocol and service name from parameters, else from OTEL_* variables, else the OTLP defaults' {
        $default = New-LlmOtelHandler
        $grpc = New-LlmOtelHandler -Protocol Grpc
        $env:OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:1'
        $env:OTEL_SERVICE_NAME = 'nightly'
        $fromEnvironment = New-LlmOtelHandler
        $explicit = New-LlmOtelHandler -Endpoint 'http://collector.example:4318/v1/traces' -ServiceName mine -Header @{ 'x-api-key' = (ConvertTo-SecureString 'SECRET-42' -AsPlainText -Force) }
        try {
            $default.Endpoint, $default.Protocol, $default.ServiceName | Should -Be 'http://localhost:4318/', 'http/protobuf', 'PsLlm'
            $grpc.Endpoint, $grpc.Protocol | Should -Be 'http://localhost:4317/', 'grpc'
            $fromEnvironment.Endpoint, $fromEnvironment.ServiceName | Should -Be 'http://127.0.0.1:1/', 'nightly'
            $explicit.Endpoint, $explicit.ServiceName | Should -Be 'http://collector.example:4318/', 'mine'
            ($explicit | Format-List * | Out-String) | Should -Not -Match 'SECRET-42'
        }
        finally {
            $default, $grpc, $fromEnvironment, $explicit | ForEach-Object Dispose
        }
    }

    It 'captures content only with -CaptureContent or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true' {
        (New-LlmOtelHandler -NoExport).CaptureContent | Should -BeFalse
        (New-LlmOtelHandler -NoExport -CaptureContent).CaptureContent | Should -BeTrue
        $env:OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true'
        (New-LlmOtelHandler -NoExport).CaptureContent | Should -BeTrue
        (New-LlmOtelHandler -NoExport -CaptureContent:$false).CaptureContent | Should -BeFalse
    }

    It 'rejects an endpoint that is not an http(s) URL, and credentials in it' {
        { New-LlmOtelHandler -Endpoint 'localhost:4318' } | Should -Throw -ErrorId 'LlmInvalidEndpoint,PsLlm.Commands.NewLlmOtelHandlerCommand'
        { New-LlmOtelHandler -Endpoint 'http://u:p@localhost:4318' } | Should -Throw -ErrorId 'LlmInvalidEndpoint,PsLlm.Commands.NewLlmOtelHandlerCommand'
        { New-LlmOtelHandler -Protocol Json } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PsLlm.Commands.NewLlmOtelHandlerCommand'
        { New-LlmOtelHandler -NoExport -Endpoint 'http://localhost:4318' } | Should -Throw -ErrorId 'AmbiguousParameterSet,PsLlm.Commands.NewLlmOtelHandlerCommand'
    }
}

Describe 'Spans seen by an ActivityListener registered from PowerShell' -Skip:(-not $sharedDiagnostics) {
    BeforeEach {
        Reset-FakeServer
        $script:listener = [PsLlmOtelTestListener]::new()
    }
    AfterEach { $script:listener.Dispose() }


    It 'a chat is an invoke_workflow span with a CLIENT chat span under it, with GenAI attributes and no content' {
        Add-FakeReply @{ text = 'Hi there.'; promptTokens = 7; completionTokens = 2 }
        $handler = New-LlmOtelHandler -NoExport
        $r = Invoke-LlmChat 'hello' -Client $client -Callback $handler -Temperature 0.25 -MaxTokens 40
        $r.Text | Should -Be 'Hi there.'
        [System.Diagnostics.Activity]::Current | Should -BeNullOrEmpty

        $chain = $listener.Named('invoke_workflow Invoke-LlmChat')
        $chat = $listener.Named('chat fake-model')
        $chain.Kind | Should -Be 'Internal'
        $chat.Kind | Should -Be 'Client'
        $chat.ParentSpanId.ToHexString() | Should -Be $chain.SpanId.ToHexString()
        $chat.TraceId.ToHexString() | Should -Be $chain.TraceId.ToHexString()
        $listener.Tag('chat fake-model', 'gen_ai.operation.name') | Should -Be 'chat'
        $listener.Tag('chat fake-model', 'gen_ai.provider.name') | Should -Be 'openai'
        $listener.Tag('chat fake-model', 'gen_ai.request.model') | Should -Be 'fake-model'
        $listener.Tag('chat fake-model', 'gen_ai.request.temperature') | Should -Be 0.25
        $listener.Tag('chat fake-model', 'gen_ai.request.max_tokens') | Should -Be 40
        $listener.Tag('chat fake-model', 'gen_ai.usage.input_tokens') | Should -Be 7
        $listener.Tag('chat fake-model', 'gen_ai.usage.output_tokens') | Should -Be 2
        $listener.Tag('chat fake-model', 'gen_ai.response.id') | Should -Be $r.ResponseId
        $listener.Tag('chat fake-model', 'server.address') | Should -Be '127.0.0.1'
        $listener.Tag('invoke_workflow Invoke-LlmChat', 'gen_ai.workflow.name') | Should -Be 'Invoke-LlmChat'
        $listener.Spans.Tags.Key | Should -Not -Contain 'gen_ai.input.messages'
        $listener.Spans.Tags.Key | Should -Not -Contain 'gen_ai.output.messages'
    }

    It 'a registered handler traces streamed chats, tool runs and failures' {
        $handler = New-LlmOtelHandler -NoExport
        Register-LlmCallback -Handler $handler -Name otel
        try {
            $add = New-LlmTool -Name add -Description 'Adds.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
            Add-FakeReply @{ toolCalls = @(@{ id = 'c1'; name = 'add'; arguments = '{"a":1,"b":2}' }) }, @{ tokens = @('three', '.') }
            Invoke-LlmChat 'x' -Client $client -Tool $add -Stream | Out-Null
            $tool = $listener.Named('execute_tool add')
            $tool.Kind | Should -Be 'Internal'
            $tool.GetTagItem('gen_ai.tool.call.id') | Should -Be 'c1'
            $chain = $listener.Named('invoke_workflow Invoke-LlmChat')
            $tool.ParentSpanId.ToHexString() | Should -Be $chain.SpanId.ToHexString()
            $chats = @($listener.Spans | Where-Object DisplayName -EQ 'chat fake-model')
            $chats.Count | Should -Be 2
            $chats | ForEach-Object { $_.GetTagItem('gen_ai.request.stream') } | Should -Be $true, $true
            $chats[1].GetTagItem('gen_ai.response.time_to_first_chunk') | Should -BeGreaterThan 0

            Add-FakeReply @{ status = 500; errorMessage = 'boom' }
            Invoke-LlmChat 'y' -Client $client -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null
            $failed | Should -Not -BeNullOrEmpty
            $errors = @($listener.Spans | Where-Object { $_.Status -eq 'Error' })
            $errors.Count | Should -Be 2
            $errors | ForEach-Object { $_.GetTagItem('error.type') } | Should -Be 'LlmServerError', 'LlmServerError'
            [System.Diagnostics.Activity]::Current | Should -BeNullOrEmpty
        }
        finally {
            Unregister-LlmCallback -Name otel -Confirm:$false
        }
    }

    It 'chats inside Invoke-LlmChain are children of its invoke_workflow span' {
        Add-FakeReply @{ text = 'owls hoot' }, @{ text = 'they hoot' }
        $handler = New-LlmOtelHandler -NoExport
        Invoke-LlmChain -Name summarize -Callback $handler -ScriptBlock {
            $facts = Invoke-LlmChat 'facts about owls' -Client $client
            Invoke-LlmChat "Summarize: $($facts.Text)" -Client $client
        } | Out-Null
        $workflow = $listener.Named('invoke_workflow summarize')
        $chats = @($listener.Spans | Where-Object DisplayName -EQ 'invoke_workflow Invoke-LlmChat')
        $chats.Count | Should -Be 2
        $chats | ForEach-Object { $_.ParentSpanId.ToHexString() } | Should -Be $workflow.SpanId.ToHexString(), $workflow.SpanId.ToHexString()
    }

    It '-CaptureContent puts the messages on the spans as GenAI JSON' {
        Add-FakeReply @{ text = 'Bonjour.' }
        Invoke-LlmChat 'Say hello in French.' -System 'Be brief.' -Client $client -Callback (New-LlmOtelHandler -NoExport -CaptureContent) | Out-Null
        $sent = $listener.Tag('chat fake-model', 'gen_ai.input.messages') | ConvertFrom-Json
        $sent.role | Should -Be 'system', 'user'
        $sent[1].parts[0].content | Should -Be 'Say hello in French.'
        $output = $listener.Tag('chat fake-model', 'gen_ai.output.messages') | ConvertFrom-Json
        $output[0].parts[0].content | Should -Be 'Bonjour.'
        $output[0].finish_reason | Should -Be 'stop'
    }
}

Describe 'Where PsLlm''s ActivitySource lives' {
    It 'the engine shares System.Diagnostics.DiagnosticSource with the platform exactly when the platform''s is version 10 or later' {
        New-LlmOtelHandler -NoExport | Out-Null   # loads the engine and OpenTelemetry into PsLlm's load context
        $engine = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'PsLlm.Engine'
        $engine | Should -Not -BeNullOrEmpty
        $names = $engine.Assemblies.GetName().Name
        $names | Should -Contain 'OpenTelemetry'
        if ($sharedDiagnostics) { $names | Should -Not -Contain 'System.Diagnostics.DiagnosticSource' }
        else { $names | Should -Contain 'System.Diagnostics.DiagnosticSource' }
    }
}

Describe 'OTLP export from pwsh' {
    BeforeEach {
        Reset-FakeServer
        Clear-OtelVariables
        $script:receiver = Start-OtlpReceiver
    }
    AfterEach { Stop-OtlpReceiver $script:receiver }

    It 'sends spans and metrics over OTLP/HTTP protobuf when flushed' {
        Add-FakeReply @{ tokens = @('Hel', 'lo'); promptTokens = 4; completionTokens = 2 }
        $handler = New-LlmOtelHandler -Endpoint $receiver.Url -ServiceName pester-otel -Header @{ 'x-api-key' = 'k=1,2' }
        try {
            Invoke-LlmChat 'hi' -Client $client -Callback $handler -Stream | Out-Null
            $handler.Flush() | Should -BeTrue
        }
        finally { $handler.Dispose() }

        $requests = @($receiver.Received.ToArray())
        $traces = @($requests | Where-Object Path -EQ '/v1/traces')
        $traces | Should -Not -BeNullOrEmpty
        $traces[0].ContentType | Should -Be 'application/x-protobuf'
        $traces[0].ApiKey | Should -Be 'k=1,2'
        $text = $traces.Text -join ''
        $text | Should -Match 'invoke_workflow Invoke-LlmChat'
        $text | Should -Match 'chat fake-model'
        $text | Should -Match 'gen_ai\.request\.model'
        $text | Should -Match 'pester-otel'
        $metrics = ($requests | Where-Object Path -EQ '/v1/metrics').Text -join ''
        $metrics | Should -Match 'gen_ai\.client\.token\.usage'
        $metrics | Should -Match 'gen_ai\.client\.operation\.duration'
        $metrics | Should -Match 'gen_ai\.client\.operation\.time_to_first_chunk'
    }

    It 'sends what is queued when pwsh exits, without Flush or Dispose' {
        Add-FakeReply @{ text = 'bye' }
        $script = @"
Import-Module '$ModulePath'
`$client = New-LlmClient -Endpoint '$Endpoint' -Model fake-model -ApiKey (ConvertTo-SecureString 'sk-exit' -AsPlainText -Force)
`$handler = New-LlmOtelHandler -Endpoint '$($receiver.Url)' -ServiceName exit-test
Invoke-LlmChat 'hi' -Client `$client -Callback `$handler | Out-Null
"@
        & $Pwsh -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $text = (@($receiver.Received.ToArray()) | Where-Object Path -EQ '/v1/traces').Text -join ''
        $text | Should -Match 'chat fake-model'
        $text | Should -Match 'exit-test'
    }
}
