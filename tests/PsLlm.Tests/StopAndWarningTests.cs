using System.Management.Automation;

namespace PsLlm.Tests;

/// <summary>
/// Failures told once and truly: Ctrl+C keeps the partial answer in $Error; a consumer that stops
/// reading is a stop, not an error; a failing handler is one warning per run; -WhatIf sends nothing.
/// </summary>
public sealed class StopAndWarningTests : ModuleTestBase
{
    [Fact]
    public void After_Ctrl_C_the_partial_answer_is_in_Error()
    {
        EnqueueTokens(Words(100), delayMs: 50);
        using var shell = Session.Begin("$Error.Clear(); Invoke-LlmChat 'x' -Client $client -Stream");
        var output = new PSDataCollection<PSObject>();
        var running = shell.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(SpinWait.SpinUntil(() => output.Count >= 3, TimeSpan.FromSeconds(10)), "no tokens arrived");
        shell.Stop();
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(running));
        var streamed = string.Concat(output.Select(o => ((ChatToken)o.BaseObject).Text));

        var record = Session.RunScalar<ErrorRecord>("$Error[0]");
        Assert.Equal("LlmCancelled", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationStopped, record.CategoryInfo.Category);
        var error = Assert.IsType<LlmException>(record.Exception);
        Assert.StartsWith(streamed, error.PartialText);
        Assert.True(error.PartialText.Length > 0);
        Assert.Equal(error.PartialText, error.PartialResponse!.Text);
    }

    [Fact]
    public void Select_Object_First_stops_the_run_without_an_error()
    {
        EnqueueTokens(Words(50), delayMs: 10);
        var database = Path.Combine(Path.GetTempPath(), $"psllm-stopped-{Guid.NewGuid():N}.db");
        try
        {
            var kinds = Session.Run("""
                param($database)
                Enable-LlmLog -Path $database
                $global:ends = [System.Collections.Generic.List[object]]::new()
                $null = Register-LlmCallback -EventName LlmError, ChainError -Action { $global:ends.Add($_.Error.Kind) } -Client $client
                $Error.Clear()
                $null = Invoke-LlmChat 'x' -Client $client -Stream | Select-Object -First 3
                $global:ends
                $Error.Count
                @(Get-LlmLog -Kind All -Last 0).Status
                @(Get-LlmLog -Errors -Last 0).Count
                Disable-LlmLog
                """, database);
            // The model run and the chain are stopped, not failed: in events, $Error and the log.
            Assert.Equal(["Stopped", "Stopped", "0", "Stopped", "Stopped", "0"], kinds.Select(k => k.ToString()));
            Assert.Empty(Session.Streams.Error);
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*")) File.Delete(file);
        }
    }

    [Fact]
    public void A_failing_handler_is_one_warning_per_run_that_counts_its_failures()
    {
        EnqueueTokens(Words(200));
        Session.Run("""
            $null = Register-LlmCallback -EventName LlmNewToken, LlmEnd -Action { throw 'broken handler' } -Name fragile
            $null = Invoke-LlmChat 'x' -Client $client -Stream
            """);
        var warning = Assert.Single(Session.Streams.Warning);
        Assert.Contains("'fragile' failed on 201 events (LlmNewToken ×200, LlmEnd)", warning.Message);
        Assert.Contains("broken handler", warning.Message);
    }

    [Fact]
    public void WhatIf_sends_nothing_and_writes_nothing()
    {
        var output = Session.Run("Invoke-LlmChat 'hello' -System 'be brief' -Client $client -WhatIf");
        Assert.Empty(output);
        Assert.Empty(Server.Requests);
        Assert.Empty(Session.Streams.Error);
    }

    [Fact]
    public void Ordinary_chats_never_ask_for_confirmation()
    {
        Server.Enqueue(new FakeOpenAI.FakeReply { Text = "sent" });
        // ConfirmPreference Low would make any ShouldProcess ask; the default host has no one to ask.
        var output = Session.Run("$ConfirmPreference = 'Low'; (Invoke-LlmChat 'hello' -Client $client).Text");
        Assert.Equal("sent", Assert.Single(output).BaseObject);
    }

    [Fact]
    public void Bad_input_is_rejected_before_anything_is_sent()
    {
        var record = Session.RunScalar<ErrorRecord>("Invoke-LlmChat 'x' -Client $client -JsonSchema '{bad' -ErrorAction SilentlyContinue -ErrorVariable failed; $failed[0]");
        Assert.Equal("LlmInvalidJsonSchema,PsLlm.Commands.InvokeLlmChatCommand", record.FullyQualifiedErrorId);
        Assert.Empty(Server.Requests);
    }
}
