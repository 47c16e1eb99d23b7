using System.Management.Automation;
using PsLlm.Engine;

namespace PsLlm.Delivery;

/// <summary>
/// Raises every event as a PowerShell engine event <c>PsLlm.&lt;EventName&gt;</c> for
/// Register-EngineEvent (also with -Forward from a Start-Job job). Events are generated only for
/// names someone subscribed to, on the pipeline thread, without waiting (waiting costs ≥250 ms an
/// event). LlmNewToken is coalesced by <see cref="TokenCoalescer"/> because -Action subscribers
/// drain about two actions per pump; each coalesced event says how many tokens it carries.
/// </summary>
internal sealed class EngineEventPublisher : CallbackHandler
{
    public const string Prefix = "PsLlm.";
    private readonly PSEventManager _events;
    private readonly object _sender;
    private readonly TokenCoalescer _coalescer = new();
    private readonly bool _otherSession;

    /// <param name="events">The event manager of the session whose subscribers get the events.</param>
    /// <param name="sender">The events' Sender.</param>
    /// <param name="otherSession">
    /// True when the events belong to another session than the one running the chat (an -AsJob
    /// job's, raised in the session that started it): that session processes them on its own
    /// thread, when it is free, instead of on the chat's.
    /// </param>
    public EngineEventPublisher(PSEventManager events, object sender, bool otherSession = false)
    {
        _events = events;
        _sender = sender;
        _otherSession = otherSession;
        Name = otherSession ? "EngineEvents (forwarded)" : "EngineEvents";
    }

    private bool IsSubscribed(string sourceIdentifier)
    {
        foreach (var subscriber in _events.Subscribers)
            if (string.Equals(subscriber.SourceIdentifier, sourceIdentifier, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private void Publish(LlmEvent e)
    {
        var id = Prefix + e.EventName;
        if (!IsSubscribed(id)) return;
        _events.GenerateEvent(id, _sender, new object[] { _sender, e }, PSObject.AsPSObject(e), processInCurrentThread: !_otherSession, waitForCompletionInCurrentThread: false);
    }

    public override void Handle(LlmEvent e)
    {
        if (e is LlmNewTokenEvent token)
        {
            if (!IsSubscribed(Prefix + nameof(LlmEventName.LlmNewToken))) return;
            if (_coalescer.PendingKind is { } kind && kind != token.TokenKind && _coalescer.Flush() is { } other) Publish(other);
            if (_coalescer.Add(token) is { } batch) Publish(batch);
            return;
        }
        // Whatever follows the tokens (LlmEnd, LlmError, a tool call) releases the pending batch first.
        if (_coalescer.Flush() is { } pending) Publish(pending);
        Publish(e);
    }
}
