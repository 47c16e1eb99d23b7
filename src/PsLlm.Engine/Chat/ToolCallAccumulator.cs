using System.Text;
using OpenAI.Chat;

namespace PsLlm.Engine.Chat;

/// <summary>Assembles streamed tool-call deltas (id and name first, arguments in pieces) by index.</summary>
internal sealed class ToolCallAccumulator
{
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = new();

    public void Add(IEnumerable<StreamingChatToolCallUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (!_calls.TryGetValue(update.Index, out var call)) call = (null, null, new StringBuilder());
            call.Id ??= update.ToolCallId;
            call.Name ??= update.FunctionName;
            if (update.FunctionArgumentsUpdate is { } piece && !piece.ToMemory().IsEmpty) call.Arguments.Append(piece.ToString());
            _calls[update.Index] = call;
        }
    }

    public bool IsEmpty => _calls.Count == 0;

    public IReadOnlyList<ToolCall> Build() =>
        _calls.Values.Select(c => new ToolCall(c.Id ?? string.Empty, c.Name ?? string.Empty, c.Arguments.Length == 0 ? "{}" : c.Arguments.ToString())).ToArray();
}
