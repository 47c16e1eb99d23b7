using System.Management.Automation;

namespace PsLlm.Tests;

/// <summary>
/// Queued PowerShell event actions run while a chat streams (the nested-pipeline pump), not only
/// after the cmdlet returns, which is what PowerShell does on its own.
/// </summary>
public sealed class ActionPumpTests : ModuleTestBase
{
    [Fact]
    public void Object_event_actions_run_while_tokens_arrive()
    {
        EnqueueTokens(Words(10), delayMs: 100);
        var output = Session.Run("""
            $times = [System.Collections.Generic.List[datetime]]::new()
            $null = Register-ObjectEvent -InputObject $client -EventName LlmNewToken -MessageData $times -Action { $Event.MessageData.Add([datetime]::UtcNow) }
            $null = Invoke-LlmChat 'x' -Client $client -Stream
            $returned = [datetime]::UtcNow
            @($times | Where-Object { $_ -lt $returned }).Count
            ($times[7] - $times[0]).TotalMilliseconds
            """);
        Assert.True((int)output[0].BaseObject >= 8, $"only {output[0]} of 10 actions ran before the chat returned");
        // Spread over the stream (about 1 s), not bunched at its end.
        Assert.True((double)output[1].BaseObject > 400, $"actions ran within {output[1]} ms");
    }

    [Fact]
    public void Engine_event_actions_run_while_tokens_arrive()
    {
        EnqueueTokens(Words(6), delayMs: 150);
        var output = Session.Run("""
            $global:engineTimes = [System.Collections.Generic.List[datetime]]::new()
            $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmNewToken -Action { $global:engineTimes.Add([datetime]::UtcNow) }
            $null = Invoke-LlmChat 'x' -Client $client -Stream
            $returned = [datetime]::UtcNow
            @($global:engineTimes | Where-Object { $_ -lt $returned }).Count
            """);
        // Coalesced per 100 ms: with 150 ms between tokens every token is its own event.
        Assert.True((int)output[0].BaseObject >= 5, $"only {output[0]} engine-event actions ran before the chat returned");
    }

    [Fact]
    public void Ctrl_C_during_a_pump_stops_the_chat()
    {
        EnqueueTokens(Words(100), delayMs: 50);
        using var shell = Session.Begin("""
            $null = Register-ObjectEvent -InputObject $client -EventName LlmNewToken -Action { $null = 1 }
            Invoke-LlmChat 'x' -Client $client -Stream
            """);
        var output = new PSDataCollection<PSObject>();
        var running = shell.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(SpinWait.SpinUntil(() => output.Count >= 3, TimeSpan.FromSeconds(10)), "no tokens arrived");
        shell.Stop();
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(running));
        Assert.InRange(output.Count, 3, 99);
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
    }
}
