# Get-LlmModel, Tab completion of -Model, and which model a piped object chooses.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:folder = Join-Path ([System.IO.Path]::GetTempPath()) "psllm-models-pester-$([guid]::NewGuid().ToString('N'))"

    # The models list is kept per endpoint and account for the session, so each test that must see
    # the server's current answer uses a client of its own (a project id of its own).
    function New-FreshClient { New-LlmClient -Endpoint $Endpoint -MaxRetries 0 -Project "proj-$([guid]::NewGuid().ToString('N'))" }

    function Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }
}

AfterAll {
    Disable-LlmLog
    Remove-Item $folder -Recurse -Force -ErrorAction Ignore
    Reset-FakeServer
}

Describe 'Get-LlmModel' {
    BeforeEach { Reset-FakeServer }

    It 'writes the server''s models as PsLlm.LlmModel objects, sorted by id, with what the server says of them' {
        # Groq's shape: OpenAI's list, with context_window and Unix times.
        Set-FakeModels -Body @{ object = 'list'; data = @(
                @{ id = 'llama-3.3-70b-versatile'; object = 'model'; created = 1733447754; owned_by = 'Meta'; active = $true; context_window = 131072 }
                @{ id = 'gemma2-9b-it'; object = 'model'; created = 1693721698; owned_by = 'Google'; active = $true; context_window = 8192 }
            ) }
        $client = New-FreshClient
        $models = @(Get-LlmModel -Client $client)
        $models | Should -HaveCount 2
        $models[0] | Should -BeOfType PsLlm.LlmModel
        $models.Id | Should -Be @('gemma2-9b-it', 'llama-3.3-70b-versatile')
        $models[1].OwnedBy | Should -Be 'Meta'
        $models[1].ContextLength | Should -Be 131072
        $models[1].Created | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1733447754))
        $models[1].Endpoint | Should -Be $Endpoint.TrimEnd('/')
        "$($models[0])" | Should -Be 'gemma2-9b-it'
        $table = $models | Out-String
        $table | Should -Match 'llama-3\.3-70b-versatile\s+Meta\s+2024-12-\d\d\s+131072'
    }

    It 'reads Anthropic''s list (display_name, created_at as a date) the same way' {
        Set-FakeModels -Body @{ data = @(@{ type = 'model'; id = 'claude-sonnet-4-20250514'; display_name = 'Claude Sonnet 4'; created_at = '2025-05-22T00:00:00Z' }); has_more = $false; first_id = 'claude-sonnet-4-20250514'; last_id = 'claude-sonnet-4-20250514' }
        $model = Get-LlmModel -Client (New-FreshClient)
        $model.Id | Should -Be 'claude-sonnet-4-20250514'
        $model.DisplayName | Should -Be 'Claude Sonnet 4'
        $model.Created | Should -Be ([DateTimeOffset]'2025-05-22T00:00:00Z')
    }

    It 'keeps the list for the session; -Refresh asks again' {
        $client = New-FreshClient
        (Get-LlmModel -Client $client).Id | Should -Be 'fake-model'
        Set-FakeModels -Body @{ object = 'list'; data = @(@{ id = 'new-model'; object = 'model'; created = 0; owned_by = 'x' }) }
        (Get-LlmModel -Client $client).Id | Should -Be 'fake-model'
        (Get-LlmModel -Client $client -Refresh).Id | Should -Be 'new-model'
        (Get-LlmModel -Client $client).Id | Should -Be 'new-model'
    }

    It 'takes clients from the pipeline' {
        $models = @(New-FreshClient), @(New-FreshClient) | ForEach-Object { $_ } | Get-LlmModel
        $models.Id | Should -Be @('fake-model', 'fake-model')
    }

    It 'a server without a models list fails with LlmModelListUnavailable (ObjectNotFound), naming the endpoint' {
        Set-FakeModels -Status 404 -Body @{ error = @{ message = 'Not Found'; type = 'invalid_request_error' } }
        Get-LlmModel -Client (New-FreshClient) -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmModelListUnavailable,*'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].Exception.Message | Should -Match ([regex]::Escape(($Endpoint -replace '^https?://', '').TrimEnd('/')))
    }

    It 'LM Studio''s "200 with an error" answer is the same failure, not an empty list' {
        # LM Studio answers unknown routes with status 200 and {"error": "Unexpected endpoint or method. …"}.
        Set-FakeModels -Body @{ error = 'Unexpected endpoint or method. (GET /v1/models)' }
        Get-LlmModel -Client (New-FreshClient) -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmModelListUnavailable,*'
    }

    It 'a wrong key fails with LlmAuthenticationFailed, and the key is never in the error' {
        Set-FakeModels -Status 401 -Body @{ error = @{ message = 'Incorrect API key provided: sk-wro*****************cret.'; type = 'invalid_request_error'; code = 'invalid_api_key' } }
        $client = New-LlmClient -Endpoint $Endpoint -MaxRetries 0 -Project "proj-$([guid]::NewGuid().ToString('N'))" -ApiKey (ConvertTo-SecureString 'sk-wrong-secret' -AsPlainText -Force)
        Get-LlmModel -Client $client -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmAuthenticationFailed,*'
        ($failed[0] | Out-String) + $failed[0].Exception.ToString() | Should -Not -Match 'sk-wrong-secret'
    }
}

Describe 'Tab completion of -Model' {
    BeforeEach { Reset-FakeServer }
    AfterEach { Remove-Variable -Name completionClient -Scope Global -ErrorAction Ignore }

    It 'completes the models of the -Client''s server, on every cmdlet with -Model' {
        Set-FakeModels -Body @{ object = 'list'; data = @(
                @{ id = 'gpt-4o'; object = 'model'; created = 0; owned_by = 'openai' }
                @{ id = 'gpt-4o-mini'; object = 'model'; created = 0; owned_by = 'openai' }
                @{ id = 'o3'; object = 'model'; created = 0; owned_by = 'openai' }
            ) }
        $global:completionClient = New-FreshClient
        (Get-Completion 'Invoke-LlmChat hi -Client $completionClient -Model gpt').CompletionText | Should -Be @('gpt-4o', 'gpt-4o-mini')
        (Get-Completion 'New-LlmChatSession -Client $completionClient -Model o').CompletionText | Should -Be @('o3')
        (Get-Completion 'Start-LlmChat -Client $completionClient -Model ').CompletionText | Should -Be @('gpt-4o', 'gpt-4o-mini', 'o3')
    }

    It 'New-LlmClient -Endpoint … -Model completes from the server being named' {
        Set-FakeModels -Body @{ object = 'list'; data = @(@{ id = 'qwen2.5:7b'; object = 'model'; created = 0; owned_by = 'library' }) }
        # A fresh spelling of the endpoint, so no list kept from another test answers.
        $other = $Endpoint -replace '127\.0\.0\.1', 'localhost'
        (Get-Completion "New-LlmClient -Endpoint '$other' -Model q").CompletionText | Should -Be @('qwen2.5:7b')
    }

    It 'quotes a model id that PowerShell would otherwise split' {
        Set-FakeModels -Body @{ object = 'list'; data = @(@{ id = 'my model (test)'; object = 'model'; created = 0; owned_by = 'x' }, @{ id = 'meta-llama/llama-3.1-8b-instruct:free'; object = 'model'; created = 0; owned_by = 'x' }) }
        $global:completionClient = New-FreshClient
        (Get-Completion 'Invoke-LlmChat hi -Client $completionClient -Model ').CompletionText | Should -Be @('meta-llama/llama-3.1-8b-instruct:free', "'my model (test)'")
    }

    It 'falls back to the models in the log when the server cannot say, without waiting long' {
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        Enable-LlmLog -Path (Join-Path $folder 'models.db')
        try {
            Add-FakeReply @{ text = 'a'; model = 'logged-model-one' }, @{ text = 'b'; model = 'logged-model-two' }
            $client = New-TestClient
            $null = Invoke-LlmChat 'x' -Client $client -Model logged-model-one
            $null = Invoke-LlmChat 'y' -Client $client -Model logged-model-two
            Set-FakeModels -Status 404 -Body @{ error = 'no models here' }
            $global:completionClient = New-FreshClient
            $elapsed = Measure-Command { $script:found = (Get-Completion 'Invoke-LlmChat hi -Client $completionClient -Model logged').CompletionText }
            $found | Should -Be @('logged-model-one', 'logged-model-two')
            # A server that does not answer at all: Tab gives up (two seconds) and still offers the log's names.
            Set-FakeModels -Body @{ object = 'list'; data = @() } -DelayMs 10000
            $global:completionClient = New-FreshClient
            (Get-Completion 'Invoke-LlmChat hi -Client $completionClient -Model logged-model-t').CompletionText | Should -Be @('logged-model-two')
        }
        finally { Disable-LlmLog }
    }
}

Describe 'Which model a piped object chooses' {
    BeforeEach { Reset-FakeServer }

    It 'an Import-Csv row''s Model column chooses its chat''s model; -Model on the command line wins over every row' {
        $csv = Join-Path $TestDrive 'prompts.csv'
        @'
Prompt,Model
first,model-a
second,model-b
third,
'@ | Set-Content -Path $csv
        $client = New-TestClient -Model client-model
        $null = Import-Csv $csv | Where-Object Model | Invoke-LlmChat -Client $client
        $null = Import-Csv $csv | Where-Object { -not $_.Model } | Select-Object Prompt | Invoke-LlmChat -Client $client
        $sent = @(Get-FakeRequest) | ForEach-Object { $_.body | ConvertFrom-Json }
        $sent.model | Should -Be @('model-a', 'model-b', 'client-model')

        Reset-FakeServer
        $null = Import-Csv $csv | Where-Object Model | Invoke-LlmChat -Client $client -Model chosen
        (@(Get-FakeRequest) | ForEach-Object { ($_.body | ConvertFrom-Json).model }) | Should -Be @('chosen', 'chosen')
    }

    It 'a piped response continues its session with the session''s model, not the model name the server reported' {
        Add-FakeReply @{ text = 'one'; model = 'gpt-4o-mini-2024-07-18' }, @{ text = 'two' }, @{ text = 'three' }
        $session = New-LlmChatSession -Client (New-TestClient) -Model gpt-4o-mini
        $first = Invoke-LlmChat 'start' -Session $session
        $first.Model | Should -Be 'gpt-4o-mini-2024-07-18'
        $second = $first | Invoke-LlmChat 'go on'
        $second.Session.TurnCount | Should -Be 2
        $null = $first | Invoke-LlmChat 'once more' -Model gpt-4o
        $models = @(Get-FakeRequest) | ForEach-Object { ($_.body | ConvertFrom-Json).model }
        $models | Should -Be @('gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o')
    }
}
