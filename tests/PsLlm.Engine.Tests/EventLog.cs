namespace PsLlm.Engine.Tests;

/// <summary>A handler that records every event it receives, in order, with the thread it ran on.</summary>
internal sealed class EventLog : CallbackHandler
{
    private readonly List<LlmEvent> _events = new();
    private readonly List<int> _threads = new();

    public EventLog(string name = "log")
    {
        LogName = name;
        Name = name;
    }

    public string LogName { get; }

    public IReadOnlyList<LlmEvent> Events { get { lock (_events) return _events.ToArray(); } }
    public IReadOnlyList<int> Threads { get { lock (_events) return _threads.ToArray(); } }
    public IReadOnlyList<LlmEventName> Names => Events.Select(e => e.Kind).ToArray();

    public IEnumerable<T> Of<T>() where T : LlmEvent => Events.OfType<T>();

    public override void Handle(LlmEvent e)
    {
        lock (_events)
        {
            _events.Add(e);
            _threads.Add(Environment.CurrentManagedThreadId);
        }
    }
}
