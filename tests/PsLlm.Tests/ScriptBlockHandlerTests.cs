using System.Management.Automation;

namespace PsLlm.Tests;

/// <summary>Scriptblock callbacks: what they receive, where they run, what becomes of their output and failures.</summary>
public sealed class ScriptBlockHandlerTests : ModuleTestBase
{
    [Fact]
    public void The_event_is_dollar_underscore_and_the_first_argument_in_event_order()
    {
        EnqueueTokens(["a", "b"]);
        var output = Session.Run("""
            $seen = [System.Collections.Generic.List[object]]::new()
            $null = Invoke-LlmChat 'x' -Client $client -Stream -Callback { $seen.Add(@($_, $args[0])) }
            $seen | ForEach-Object { [pscustomobject]@{ Name = $_[0].EventName; Same = [object]::ReferenceEquals($_[0], $_[1]) } }
            """);
        Assert.Equal(
            ["ChainStart", "Text", "ChatModelStart", "LlmNewToken", "LlmNewToken", "LlmEnd", "ChainEnd"],
            output.Select(o => (string)o.Properties["Name"].Value));
        Assert.All(output, o => Assert.True((bool)o.Properties["Same"].Value));
    }

    [Fact]
    public void It_runs_on_the_pipeline_thread_and_its_output_is_discarded()
    {
        EnqueueTokens(["a", "b", "c"], delayMs: 20);
        var output = Session.Run("""
            $threads = [System.Collections.Generic.HashSet[int]]::new()
            $response = Invoke-LlmChat 'x' -Client $client -Callback { $null = $threads.Add([Environment]::CurrentManagedThreadId); 'noise' }
            $response.GetType().FullName
            $threads.Count
            $threads -contains [Environment]::CurrentManagedThreadId
            """);
        Assert.Equal("PsLlm.ChatResponse", output[0].BaseObject);
        Assert.Equal(1, output[1].BaseObject);
        Assert.Equal(true, output[2].BaseObject);
        Assert.Equal(3, output.Count);
    }

    [Fact]
    public void A_failing_scriptblock_is_a_warning_and_the_chat_goes_on()
    {
        Server.Enqueue(new FakeOpenAI.FakeReply { Text = "fine" });
        var output = Session.Run("""
            (Invoke-LlmChat 'x' -Client $client -Callback @{ LlmEnd = { throw 'handler broke' } }).Text
            """);
        Assert.Equal("fine", output.Single().BaseObject);
        var warning = Assert.Single(Session.Streams.Warning);
        Assert.Contains("failed on LlmEnd", warning.Message);
        Assert.Contains("handler broke", warning.Message);
        Assert.Empty(Session.Streams.Error);
    }

    [Fact]
    public void A_scriptblock_from_another_runspace_runs_in_the_runspace_of_the_chat()
    {
        // A client made in one runspace (its -Callback bound there) and used from another, as a
        // thread job does: the scriptblock must run on the chat's thread, in the chat's runspace.
        using var other = new PowerShellSession();
        other.Set("endpoint", Server.BaseUrl);
        var shared = other.RunScalar<LlmClient>("New-LlmClient -Endpoint $endpoint -Model fake-model -MaxRetries 0 -Callback @{ LlmEnd = { $global:endSeenHere = $_.Response.Text } }");
        Server.Enqueue(new FakeOpenAI.FakeReply { Text = "crossed" });
        Session.Set("shared", shared);
        Session.Run("$null = Invoke-LlmChat 'x' -Client $shared");
        Assert.Empty(Session.Streams.Warning);
        Assert.Equal("crossed", Session.Get("endSeenHere"));
        Assert.Null(other.Get("endSeenHere"));
    }

    [Fact]
    public void RaiseError_stops_the_run_with_LlmCallbackFailed()
    {
        EnqueueTokens(Words(5));
        Session.Run("""
            $null = Register-LlmCallback -EventName LlmNewToken -Action { throw 'stop here' } -RaiseError -Client $client
            Invoke-LlmChat 'x' -Client $client -Stream
            """);
        var error = Assert.Single(Session.Streams.Error);
        Assert.Equal("LlmCallbackFailed,PsLlm.Commands.InvokeLlmChatCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationStopped, error.CategoryInfo.Category);
    }
}
