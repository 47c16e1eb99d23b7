using System.Management.Automation;

namespace PsLlm.Tests;

/// <summary>
/// Nothing unrelated slows a stream, and no subscriber floods the session: an unrelated event
/// subscriber is left alone while a chat runs; a client's token events reach Register-ObjectEvent
/// coalesced, so no backlog of queued actions outlives the chat.
/// </summary>
public sealed class DeliveryLoadTests : ModuleTestBase
{
    [Fact]
    public void An_unrelated_subscriber_is_not_pumped_during_a_chat()
    {
        EnqueueTokens(Words(10), delayMs: 50);
        var output = Session.Run("""
            $timer = [System.Timers.Timer]::new(5)
            $ran = [System.Collections.Generic.List[datetime]]::new()
            $null = Register-ObjectEvent -InputObject $timer -EventName Elapsed -SourceIdentifier Unrelated -MessageData $ran -Action { $Event.MessageData.Add([datetime]::UtcNow) }
            $timer.Start()
            $started = [datetime]::UtcNow
            $null = Invoke-LlmChat 'x' -Client $client -Stream
            $returned = [datetime]::UtcNow
            $timer.Stop()
            @($ran | Where-Object { $_ -gt $started -and $_ -lt $returned }).Count
            Unregister-Event Unrelated
            """);
        // Its actions wait for PowerShell's own next chance, after the chat: PsLlm never ran them.
        Assert.Equal(0, output[0].BaseObject);
    }

    [Fact]
    public void Token_events_of_a_fast_stream_leave_no_backlog_and_account_for_every_token()
    {
        EnqueueTokens(Enumerable.Range(0, 5000).Select(i => "t "));
        var output = Session.Run("""
            $seen = [System.Collections.Generic.List[int]]::new()
            $null = Register-ObjectEvent -InputObject $client -EventName LlmNewToken -SourceIdentifier Tokens -MessageData $seen -Action { $Event.MessageData.Add($EventArgs.Count) }
            $null = Invoke-LlmChat 'x' -Client $client -Stream
            $null = Wait-Event -Timeout 1
            ($seen | Measure-Object -Sum).Sum
            $seen.Count
            Unregister-Event Tokens
            """);
        Assert.Equal(5000, Convert.ToInt32(output[0].BaseObject));
        var events = (int)output[1].BaseObject;
        Assert.True(events < 200, $"{events} events for 5000 tokens: not coalesced");
    }
}
