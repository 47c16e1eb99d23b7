using System.Text;

namespace PsLlm.Engine.Wire;

/// <summary>
/// Puts streamed tool-call pieces back together. A piece belongs to the call at its index, unless
/// it brings a new id for an index already in use (Ollama numbers every call 0 for some models):
/// then it starts a new call. Pieces without an index (Gemini) start a new call when they bring a
/// new id, and otherwise continue the last one. Fields a server attaches to a call are kept.
/// </summary>
internal sealed class ToolCallAssembler
{
    private readonly List<Call> _calls = new();
    private readonly Dictionary<int, Call> _byIndex = new();

    public bool IsEmpty => _calls.Count == 0;

    public void Add(IReadOnlyList<ToolCallDelta> pieces)
    {
        foreach (var piece in pieces) Add(piece);
    }

    private void Add(ToolCallDelta piece)
    {
        var hasId = !string.IsNullOrEmpty(piece.Id);
        Call? call;
        if (piece.Index is { } index)
        {
            if (!_byIndex.TryGetValue(index, out call) || hasId && call.Id is { Length: > 0 } known && known != piece.Id)
                _byIndex[index] = call = Start();
        }
        else
        {
            call = _calls.Count > 0 ? _calls[^1] : null;
            if (call is null || hasId && call.Id is { Length: > 0 } known && known != piece.Id) call = Start();
        }

        if (hasId && string.IsNullOrEmpty(call.Id)) call.Id = piece.Id;
        if (!string.IsNullOrEmpty(piece.Name) && string.IsNullOrEmpty(call.Name)) call.Name = piece.Name;
        if (!string.IsNullOrEmpty(piece.Arguments)) call.Arguments.Append(piece.Arguments);
        if (piece.Fields is not null)
            foreach (var (name, raw) in piece.Fields) (call.Fields ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = raw;
    }

    private Call Start()
    {
        var call = new Call();
        _calls.Add(call);
        return call;
    }

    /// <summary>The calls in the order they began; a call without arguments gets "{}".</summary>
    public IReadOnlyList<ToolCall> Build() => _calls
        .Select(c => new ToolCall(c.Id ?? string.Empty, c.Name ?? string.Empty, c.Arguments.Length == 0 ? "{}" : c.Arguments.ToString())
        {
            ProviderFields = c.Fields is null ? ToolCall.NoFields : c.Fields,
        })
        .ToArray();

    private sealed class Call
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
        public Dictionary<string, string>? Fields { get; set; }
    }
}
