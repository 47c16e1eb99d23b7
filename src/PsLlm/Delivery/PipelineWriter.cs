namespace PsLlm.Delivery;

/// <summary>
/// Writes a run's tokens (-Stream) or all its events (-AsEvents) to the cmdlet's output as they
/// happen. RaiseError is set so that a downstream stop (Select-Object -First) ends the run
/// instead of being reported once per token.
/// </summary>
internal sealed class PipelineWriter : CallbackHandler
{
    private readonly Action<object> _write;
    private readonly bool _allEvents;
    private readonly bool _reasoning;

    private PipelineWriter(Action<object> write, bool allEvents, bool reasoning)
    {
        _write = write;
        _allEvents = allEvents;
        _reasoning = reasoning;
        RaiseError = true;
    }

    /// <summary>-Stream: the answer's tokens, and the reasoning's when <paramref name="includeReasoning"/>.</summary>
    public static PipelineWriter Tokens(Action<object> write, bool includeReasoning = false) => new(write, allEvents: false, includeReasoning);
    public static PipelineWriter Events(Action<object> write) => new(write, allEvents: true, reasoning: true);

    public override string Name => _allEvents ? "AsEvents" : "Stream";

    public override void Handle(LlmEvent e)
    {
        if (_allEvents) _write(e);
        else if (e is LlmNewTokenEvent token && (_reasoning || token.TokenKind == ChatTokenKind.Text)) _write(token.Chunk);
    }
}
