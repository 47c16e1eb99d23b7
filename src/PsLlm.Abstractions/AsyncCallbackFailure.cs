namespace PsLlm;

/// <summary>
/// An event an <see cref="AsyncCallbackHandler"/> failed to handle: which event, of which run, and
/// the exception. Receive-LlmCallback writes them as errors.
/// </summary>
public sealed class AsyncCallbackFailure
{
    internal AsyncCallbackFailure(string handlerName, LlmEvent e, Exception exception)
    {
        HandlerName = handlerName;
        Event = e;
        Exception = exception;
    }

    /// <summary>The handler's name.</summary>
    public string HandlerName { get; }

    /// <summary>The event it was handling.</summary>
    public LlmEvent Event { get; }

    /// <summary>The event's name (LlmEnd, …).</summary>
    public string EventName => Event.EventName;

    /// <summary>The run of the event.</summary>
    public Guid RunId => Event.RunId;

    /// <summary>What the handler threw.</summary>
    public Exception Exception { get; }

    /// <summary>"&lt;handler&gt; failed on &lt;event&gt;: &lt;message&gt;".</summary>
    public override string ToString() => $"{HandlerName} failed on {EventName}: {Exception.Message}";
}
