namespace PsLlm.Delivery;

/// <summary>
/// Writes a run's tokens (-Stream) or all its events (-AsEvents) to the cmdlet's output as they
/// happen. A downstream stop (Select-Object -First) ends the run as stopped — the consumer had
/// what it wanted — rather than as a failed handler; RaiseError makes it end the run at once.
/// </summary>
internal sealed class PipelineWriter : CallbackHandler
{
    private readonly Action<object> _write;
    private readonly Func<bool> _stopping;
    private readonly bool _allEvents;
    private readonly bool _reasoning;

    private PipelineWriter(Action<object> write, Func<bool> stopping, bool allEvents, bool reasoning)
    {
        _write = write;
        _stopping = stopping;
        _allEvents = allEvents;
        _reasoning = reasoning;
        RaiseError = true;
        Name = allEvents ? "AsEvents" : "Stream";
    }

    /// <summary>-Stream: the answer's tokens, and the reasoning's when <paramref name="includeReasoning"/>.</summary>
    /// <param name="write">The cmdlet's WriteObject.</param>
    /// <param name="stopping">True while the whole pipeline stops (Ctrl+C): the cmdlet's Stopping.</param>
    /// <param name="includeReasoning">Write reasoning tokens too (-IncludeReasoning).</param>
    public static PipelineWriter Tokens(Action<object> write, Func<bool> stopping, bool includeReasoning = false) =>
        new(write, stopping, allEvents: false, includeReasoning);

    /// <summary>-AsEvents: every event.</summary>
    public static PipelineWriter Events(Action<object> write, Func<bool> stopping) => new(write, stopping, allEvents: true, reasoning: true);

    public override void Handle(LlmEvent e)
    {
        try
        {
            if (_allEvents) _write(e);
            else if (e is LlmNewTokenEvent token && (_reasoning || token.TokenKind == ChatTokenKind.Text)) _write(token.Chunk);
        }
        catch (System.Management.Automation.PipelineStoppedException stopped)
        {
            // Ctrl+C stops the whole pipeline; Select-Object -First stops only the commands before
            // it (StopUpstreamCommandsException): the consumer had what it wanted.
            throw _stopping()
                ? new LlmException(LlmErrorKind.Cancelled, "LlmCancelled", "The chat was stopped.", stopped)
                : new LlmException(LlmErrorKind.Stopped, "LlmStopped",
                    "The pipeline stopped reading the answer (for example Select-Object -First); the chat ended early.", stopped);
        }
    }
}
