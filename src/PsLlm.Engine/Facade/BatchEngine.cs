using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using PsLlm.Engine.Batches;
using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Transport;
using PsLlm.Engine.Wire;

namespace PsLlm.Engine;

/// <summary>
/// Chats through a server's Batch API (OpenAI, Azure OpenAI): the requests are written as a chat
/// would send them, uploaded as one file and answered within a completion window; their answers,
/// once the batch has completed, are read as a chat's answer is and raise the events of a chat, one
/// run per item, so handlers and the log record them like any chat.
/// </summary>
public static class BatchEngine
{
    /// <summary>The most requests one batch takes (OpenAI's limit).</summary>
    public const int MaxItems = 50_000;

    /// <summary>The largest requests file (OpenAI's limit): 200 MB.</summary>
    public const long MaxFileBytes = 200L * 1024 * 1024;

    /// <summary>
    /// Checks every request, writes them as a requests file, uploads it and creates the batch.
    /// Bad input (an empty prompt, a duplicate id, too many items) fails before anything is sent.
    /// </summary>
    public static LlmBatch Start(LlmClient client, IReadOnlyList<BatchItem> items, string completionWindow, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw Invalid("LlmBatchEmpty", "A batch needs at least one prompt.", "Prompt");
        if (items.Count > MaxItems) throw Invalid("LlmBatchTooLarge", $"A batch takes at most {MaxItems:N0} prompts; {items.Count:N0} were given. Split them into several batches.", "Prompt");
        if (items.FirstOrDefault(i => i.Request.Stream || i.Request.Session is not null || i.Request.Tools.Count > 0) is { } unsupported)
            throw Invalid("LlmBatchUnsupported", $"Item '{unsupported.CustomId}' streams, continues a session or offers tools: a batch answers each request once, as a whole, on its own.", "Prompt");
        if (items.GroupBy(i => i.CustomId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw Invalid("LlmBatchDuplicateId", $"Every item of a batch needs its own id; '{twice.Key}' is given {twice.Count()} times.", "CustomId");
        var api = new BatchApi(client);
        var runner = new ChatRunner(client);
        var file = new StringBuilder();
        foreach (var item in items) file.Append(BatchJson.RequestLine(item.CustomId, api.ChatPath, runner.Body(item.Request))).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(file.ToString());
        if (bytes.LongLength > MaxFileBytes)
            throw Invalid("LlmBatchTooLarge", $"The batch's requests come to {bytes.LongLength / 1024.0 / 1024.0:0.#} MB; at most 200 MB can be sent. Split them into several batches.", "Prompt");
        var fileId = api.Upload(bytes, $"psllm-batch-{DateTime.UtcNow:yyyyMMdd-HHmmss}.jsonl", cancellationToken);
        return BatchJson.ReadBatch(api.Create(fileId, completionWindow, metadata, cancellationToken), client);
    }

    /// <summary>The batch <paramref name="id"/> as the server has it now.</summary>
    public static LlmBatch Get(LlmClient client, string id, CancellationToken cancellationToken) =>
        BatchJson.ReadBatch(new BatchApi(client).Get(id, cancellationToken), client);

    /// <summary>The client's batches, newest first, at most <paramref name="first"/> (the server's pages followed).</summary>
    public static IReadOnlyList<LlmBatch> List(LlmClient client, int first, CancellationToken cancellationToken)
    {
        var api = new BatchApi(client);
        var batches = new List<LlmBatch>();
        string? after = null;
        while (batches.Count < first)
        {
            var page = api.List(Math.Min(100, first - batches.Count), after, cancellationToken);
            var data = (page["data"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            batches.AddRange(data.Select(b => BatchJson.ReadBatch(b, client)));
            after = BatchJson.Text(page["last_id"]) ?? BatchJson.Text(data.LastOrDefault()?["id"]);
            if (data.Count == 0 || page["has_more"] is not JsonValue more || !more.TryGetValue<bool>(out var hasMore) || !hasMore) break;
        }
        return batches;
    }

    /// <summary>Asks the server to cancel the batch (answers already made stay in its files).</summary>
    public static LlmBatch Cancel(LlmClient client, string id, CancellationToken cancellationToken) =>
        BatchJson.ReadBatch(new BatchApi(client).Cancel(id, cancellationToken), client);

    /// <summary>
    /// The answers of a batch that will change no more (completed, or expired or cancelled with
    /// what was answered before): each item read from the answers and errors files, matched to its
    /// request by its id, and raised as a chat run (ChainStart, ChatModelStart, LlmEnd or LlmError,
    /// ChainEnd or ChainError) to <paramref name="options"/>' handlers on this thread.
    /// </summary>
    public static IReadOnlyList<BatchItemResult> Receive(LlmClient client, LlmBatch batch, RunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        if (!batch.IsFinished)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmBatchNotFinished",
                $"The batch {batch.Id} is {batch.Status}: its answers come when it has completed.")
            { ParameterName = "Batch", RecommendedAction = "Wait for it first: Wait-LlmBatch, then Receive-LlmBatch." };
        var api = new BatchApi(client);
        var requests = batch.InputFileId is { } input
            ? BatchJson.Lines(api.Content(input, cancellationToken)).Where(l => BatchJson.Text(l["custom_id"]) is not null).GroupBy(l => BatchJson.Text(l["custom_id"])!).ToDictionary(g => g.Key, g => g.First())
            : new Dictionary<string, JsonObject>();
        var lines = new List<JsonObject>();
        if (batch.OutputFileId is { } output) lines.AddRange(BatchJson.Lines(api.Content(output, cancellationToken)));
        if (batch.ErrorFileId is { } errors) lines.AddRange(BatchJson.Lines(api.Content(errors, cancellationToken)));

        var results = new List<BatchItemResult>(lines.Count);
        foreach (var line in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var customId = BatchJson.Text(line["custom_id"]) ?? string.Empty;
            requests.TryGetValue(customId, out var request);
            results.Add(ReceiveItem(client, batch, customId, request?["body"] as JsonObject, line, options, api.Redactor, cancellationToken));
        }
        return results;
    }

    private static BatchItemResult ReceiveItem(LlmClient client, LlmBatch batch, string customId, JsonObject? request, JsonObject line, RunOptions options,
        SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var messages = (request?["messages"] as JsonArray)?.OfType<JsonObject>().Select(WireMessage).ToArray() ?? Array.Empty<ChatMessage>();
        var prompt = messages.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty;
        var model = BatchJson.Text(request?["model"]) ?? client.Model;
        var local = client.Callbacks.Concat(options.LocalHandlers).ToArray();
        var scope = new CallbackScope
        {
            Local = local,
            Sources = new LlmEventSource[] { client },
            Metadata = new Dictionary<string, object?> { ["batch_id"] = batch.Id, ["custom_id"] = customId },
        };
        var chain = (options.Parent ?? CallbackManager.Current)?.StartChild(scope, cancellationToken) ?? CallbackManager.StartRoot(scope, options.ErrorSink, cancellationToken);
        using var active = chain.Activate();
        var clock = Stopwatch.StartNew();
        chain.Raise(new ChainStartEvent { Name = "Receive-LlmBatch", Inputs = new Dictionary<string, object?> { ["prompt"] = prompt, ["custom_id"] = customId } });
        var llm = chain.StartChild(new CallbackScope { Local = local, Sources = new LlmEventSource[] { client } }, cancellationToken);
        var state = new ChatRunState { Model = model };
        try
        {
            using (llm.Activate())
            {
                llm.Raise(new ChatModelStartEvent { Messages = messages, Model = model, Endpoint = EndpointRules.Display(client.Endpoint), InvocationParameters = new Dictionary<string, object?> { ["model"] = model, ["batch"] = batch.Id } });
                var answer = line["response"] as JsonObject;
                var status = answer?["status_code"] is JsonValue code && code.TryGetValue<int>(out var number) ? number : 0;
                var body = Encoding.UTF8.GetBytes(answer?["body"]?.ToJsonString() ?? "{}");
                if (status is < 200 or > 299)
                {
                    // An errors-file line: the answer's error body, else the line's own error.
                    if (status == 0 && line["error"] is JsonObject lineError) body = Encoding.UTF8.GetBytes(new JsonObject { ["error"] = lineError.DeepClone() }.ToJsonString());
                    throw LlmErrorMapper.FromAnswer(status == 0 ? 400 : status, body, null, null, model, string.Empty, redactor);
                }
                using var queue = new RunQueue(1024);
                new ChatResponseReader(queue, clock, redactor).ReadWholeAsync(body, cancellationToken).GetAwaiter().GetResult();
                queue.Complete();
                var items = new List<StreamItem>();
                queue.TakeBatch(items, TimeSpan.Zero, cancellationToken);
                foreach (var item in items) ChatRunner.Apply(item, llm, state, streamed: false);
                var response = state.ToResponse(llm.RunId, chain.RunId, clock.Elapsed, messages, partial: false);
                response.CustomId = customId;
                llm.Raise(new LlmEndEvent { Response = response });
                chain.Raise(new ChainEndEvent { Name = "Receive-LlmBatch", Outputs = response, Duration = clock.Elapsed });
                return new BatchItemResult(customId, prompt, response, null) { IsJson = request?["response_format"]?["type"]?.ToString() is "json_object" or "json_schema" };
            }
        }
        catch (LlmException error)
        {
            llm.RaiseWhileFailing(new LlmErrorEvent { Error = error, PartialText = string.Empty, StatusCode = error.StatusCode });
            chain.RaiseWhileFailing(new ChainErrorEvent { Name = "Receive-LlmBatch", Error = error, PartialText = string.Empty });
            return new BatchItemResult(customId, prompt, null, error);
        }
    }

    // A message as the wire has it: content a string, or parts whose text is kept.
    private static ChatMessage WireMessage(JsonObject message)
    {
        var role = BatchJson.Text(message["role"]) ?? "user";
        return message["content"] is JsonArray parts
            ? new ChatMessage(role, parts.Select(p => BatchJson.Text(p?["text"])).OfType<string>().ToArray())
            : new ChatMessage(role, BatchJson.Text(message["content"]) ?? string.Empty);
    }

    private static LlmException Invalid(string id, string message, string parameter) =>
        new(LlmErrorKind.InvalidInput, id, message) { ParameterName = parameter };
}

/// <summary>One chat of a batch: its id in the batch (custom_id) and the request, as for a chat.</summary>
/// <param name="CustomId">The item's id, unique in the batch; its answer carries it back.</param>
/// <param name="Request">The chat, as Invoke-LlmChat would send it (not streamed; no tools or session).</param>
public sealed record BatchItem(string CustomId, ChatRequest Request);

/// <summary>How one item of a batch ended: its answer or its error, with its id and prompt.</summary>
/// <param name="CustomId">The item's id.</param>
/// <param name="Prompt">The item's prompt, from the requests file.</param>
/// <param name="Response">The answer; null when the item failed.</param>
/// <param name="Error">Why it failed; null when it was answered.</param>
public sealed record BatchItemResult(string CustomId, string Prompt, ChatResponse? Response, LlmException? Error)
{
    /// <summary>True when the item asked for JSON (-JsonSchema): its answer is to be parsed.</summary>
    public bool IsJson { get; init; }
}
