namespace PsLlm;

/// <summary>
/// A client that answers without a network, for testing scripts (New-LlmFakeClient): it gives
/// its scripted answers in turn, or replays exchanges recorded with New-LlmClient -RecordPath,
/// through the same reading and events as a real chat, and keeps every request it received.
/// </summary>
public sealed class LlmFakeClient : LlmClient
{
    /// <summary>The endpoint a fake client shows: a name that never resolves, so nothing can leave the machine.</summary>
    public static readonly Uri FakeEndpoint = new("https://fake.psllm.invalid/v1");

    private readonly Queue<LlmFakeAnswer> _answers;
    private readonly List<LlmFakeRequest> _requests = new();

    /// <summary>A fake client giving <paramref name="answers"/> in turn, or replaying <paramref name="replayPath"/>.</summary>
    public LlmFakeClient(IEnumerable<LlmFakeAnswer> answers, string? replayPath, string model, IEnumerable<CallbackHandler>? callbacks = null, int maxRetries = 0)
        : base(FakeEndpoint, null, model, maxRetries: maxRetries, callbacks: callbacks)
    {
        _answers = new Queue<LlmFakeAnswer>(answers ?? Array.Empty<LlmFakeAnswer>());
        ReplayPath = replayPath;
    }

    /// <summary>The recorded exchanges replayed (New-LlmClient -RecordPath's file); null: the scripted answers.</summary>
    public string? ReplayPath { get; }

    /// <summary>Scripted answers not given yet.</summary>
    public int AnswersLeft
    {
        get { lock (_answers) return _answers.Count; }
    }

    /// <summary>Every request received, oldest first.</summary>
    public IReadOnlyList<LlmFakeRequest> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    /// <summary>Forgets the requests received (answers given stay given).</summary>
    public void ClearRequests()
    {
        lock (_requests) _requests.Clear();
    }

    /// <summary>The next scripted answer; false when none is left.</summary>
    internal bool TryTakeAnswer(out LlmFakeAnswer answer)
    {
        lock (_answers) return _answers.TryDequeue(out answer!);
    }

    internal void Received(LlmFakeRequest request)
    {
        lock (_requests) _requests.Add(request);
    }

    /// <summary>The endpoint, the model and that it is fake.</summary>
    public override string ToString() => $"fake ({Model}, {(ReplayPath is null ? $"{AnswersLeft} answers left" : "replaying " + Path.GetFileName(ReplayPath))})";
}
