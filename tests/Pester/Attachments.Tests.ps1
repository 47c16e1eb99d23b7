# Invoke-LlmChat -Attachment: images and text files as content parts, image URLs, the checks made
# before anything is sent, Get-ChildItem piping, and sessions that keep their attachments.
BeforeAll {
    . $PSScriptRoot/TestSetup.ps1
    $script:client = New-TestClient
    # A real 1×1 PNG and the first bytes of a JPEG: recognized by content, whatever the name says.
    $script:PngBytes = [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')
    $script:JpegBytes = [byte[]](0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10) + [Text.Encoding]::ASCII.GetBytes('JFIF') + [byte[]](0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9)

    function Get-SentContent([int] $Index = -1) { (@(Get-FakeRequest)[$Index].body | ConvertFrom-Json).messages[-1].content }
}

Describe 'Invoke-LlmChat -Attachment' {
    BeforeEach { Reset-FakeServer }

    It 'sends an image file as an image_url part with a data URI of its bytes, after the prompt' {
        [IO.File]::WriteAllBytes((Join-Path $TestDrive 'dot.png'), $PngBytes)
        Push-Location $TestDrive
        try { $null = Invoke-LlmChat 'What is in the picture?' -Client $client -Attachment ./dot.png }
        finally { Pop-Location }
        $content = Get-SentContent
        $content | Should -HaveCount 2
        $content[0].type | Should -Be 'text'
        $content[0].text | Should -Be 'What is in the picture?'
        $content[1].type | Should -Be 'image_url'
        $content[1].image_url.url | Should -Be ('data:image/png;base64,' + [Convert]::ToBase64String($PngBytes))
    }

    It 'knows an image by its bytes, not its name' {
        $misnamed = Join-Path $TestDrive 'photo.dat'
        [IO.File]::WriteAllBytes($misnamed, $JpegBytes)
        $null = Invoke-LlmChat 'x' -Client $client -Attachment $misnamed
        (Get-SentContent)[1].image_url.url | Should -BeLike 'data:image/jpeg;base64,*'
    }

    It 'sends a text file as a text part with its name, fenced so that backticks inside cannot end it' {
        $notes = Join-Path $TestDrive 'notes.md'
        $body = "# Notes`n`n" + '```powershell' + "`nGet-Date`n" + '```'
        Set-Content -Path $notes -Value $body -NoNewline
        $null = Invoke-LlmChat 'Summarize.' -Client $client -Attachment $notes
        $part = (Get-SentContent)[1]
        $part.type | Should -Be 'text'
        $part.text | Should -Be ("File notes.md:`n" + '````' + "`n$body`n" + '````')
    }

    It 'sends an http(s) URL as an image the server fetches, and several attachments in order' {
        $text = Join-Path $TestDrive 'a.txt'
        Set-Content -Path $text -Value 'alpha'
        $null = Invoke-LlmChat 'Compare.' -Client $client -Attachment 'https://example.com/cat.jpg', $text
        $content = Get-SentContent
        $content.type | Should -Be @('text', 'image_url', 'text')
        $content[1].image_url.url | Should -Be 'https://example.com/cat.jpg'
        $content[2].text | Should -Match '^File a\.txt:'
    }

    It 'checks every attachment before anything is sent: <Case>' -ForEach @(
        @{ Case = 'a missing file'; Make = { Join-Path $TestDrive 'nope.png' }; ErrorId = 'LlmAttachmentNotFound'; Category = 'ObjectNotFound'; Message = 'nope\.png' }
        @{ Case = 'a folder'; Make = { $TestDrive }; ErrorId = 'LlmAttachmentNotFound'; Category = 'InvalidArgument'; Message = 'is a folder' }
        @{ Case = 'a binary file that is no image'; Make = { $f = Join-Path $TestDrive 'tool.bin'; [IO.File]::WriteAllBytes($f, [byte[]](0x7F, 0x45, 0x4C, 0x46, 0, 0, 0, 1)); $f }; ErrorId = 'LlmAttachmentNotSupported'; Category = 'InvalidArgument'; Message = 'neither a PNG' }
        @{ Case = 'a .png that is not an image'; Make = { $f = Join-Path $TestDrive 'fake.png'; Set-Content $f 'text'; $f }; ErrorId = 'LlmAttachmentNotSupported'; Category = 'InvalidArgument'; Message = 'fake\.png' }
        @{ Case = 'an image over 20 MB'; Make = { $f = Join-Path $TestDrive 'huge.png'; $bytes = [byte[]]::new(20MB + 1); [Array]::Copy($PngBytes, $bytes, $PngBytes.Length); [IO.File]::WriteAllBytes($f, $bytes); $f }; ErrorId = 'LlmAttachmentTooLarge'; Category = 'InvalidArgument'; Message = 'at most 20 MB' }
        @{ Case = 'text over 2 MB'; Make = { $f = Join-Path $TestDrive 'big.log'; [IO.File]::WriteAllText($f, ('x' * (2MB + 1))); $f }; ErrorId = 'LlmAttachmentTooLarge'; Category = 'InvalidArgument'; Message = 'at most 2 MB' }
        @{ Case = 'an ftp URL'; Make = { 'ftp://example.com/a.png' }; ErrorId = 'LlmAttachmentNotSupported'; Category = 'InvalidArgument'; Message = 'not an http or https URL' }
    ) {
        $path = & $Make
        Invoke-LlmChat 'x' -Client $client -Attachment $path -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PsLlm.Commands.InvokeLlmChatCommand"
        $failed[0].CategoryInfo.Category | Should -Be $Category
        $failed[0].Exception.Message | Should -Match $Message
        Get-FakeRequest | Should -BeNullOrEmpty
    }

    It 'Get-ChildItem output binds by FullName: one chat per file, the prompt given once' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'docs') -Force
        Set-Content -Path (Join-Path $folder 'one.txt') -Value 'first file'
        Set-Content -Path (Join-Path $folder 'two.txt') -Value 'second file'
        $answers = Get-ChildItem $folder -File | Invoke-LlmChat 'Summarize this file.' -Client $client
        $answers | Should -HaveCount 2
        $requests = @(Get-FakeRequest)
        $requests | Should -HaveCount 2
        (Get-SentContent 0)[1].text | Should -Match '^File one\.txt:\n```\nfirst file\n```$'
        (Get-SentContent 1)[1].text | Should -Match '^File two\.txt:'
        (Get-SentContent 1)[0].text | Should -Be 'Summarize this file.'
    }

    It 'a file of a piped list that fails stops only its own chat' {
        Set-Content -Path (Join-Path $TestDrive 'ok.txt') -Value 'fine'
        $rows = [pscustomobject]@{ Prompt = 'a'; Attachment = (Join-Path $TestDrive 'gone.txt') }, [pscustomobject]@{ Prompt = 'b'; Attachment = (Join-Path $TestDrive 'ok.txt') }
        $answers = $rows | Invoke-LlmChat -Client $client -ErrorVariable failed -ErrorAction SilentlyContinue
        @($answers) | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'LlmAttachmentNotFound,*'
        @(Get-FakeRequest) | Should -HaveCount 1
    }
}

Describe 'Attachments in sessions' {
    BeforeEach { Reset-FakeServer }

    It 'the history keeps the attachments; export and import keep them too, images embedded' {
        $png = Join-Path $TestDrive 'dot.png'
        [IO.File]::WriteAllBytes($png, $PngBytes)
        $session = New-LlmChatSession -Client $client
        $null = Invoke-LlmChat 'Describe it.' -Session $session -Attachment $png
        $null = Invoke-LlmChat 'And the colour?' -Session $session
        # The second request sends the first turn again, with its image.
        $history = (@(Get-FakeRequest)[1].body | ConvertFrom-Json).messages
        $history[0].content[1].image_url.url | Should -BeLike 'data:image/png;base64,*'
        $history[-1].content | Should -Be 'And the colour?'

        $session.Messages[0].Attachments | Should -HaveCount 1
        $session.Messages[0].Attachments[0].Name | Should -Be 'dot.png'
        $session.Messages[0].Attachments[0].Kind | Should -Be 'Image'
        $session.Messages[0].Attachments[0].MediaType | Should -Be 'image/png'

        $file = Join-Path $TestDrive 'session.json'
        $session | Export-LlmChatSession -Path $file
        Remove-Item $png
        $imported = Import-LlmChatSession -Path $file -Client $client
        $imported.Messages[0].Attachments[0].Name | Should -Be 'dot.png'
        $null = Invoke-LlmChat 'Once more.' -Session $imported
        (@(Get-FakeRequest)[-1].body | ConvertFrom-Json).messages[0].content[1].image_url.url | Should -Be ('data:image/png;base64,' + [Convert]::ToBase64String($PngBytes))
    }
}
