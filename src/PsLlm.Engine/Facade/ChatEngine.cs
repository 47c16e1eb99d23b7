using PsLlm.Engine.Callbacks;
using PsLlm.Engine.Chat;

namespace PsLlm.Engine;

/// <summary>
/// The engine's entry point: runs chats and chains on the caller's thread, raising every event of
/// the run tree to its handlers as it happens, and says what it accepts (event names, endpoints).
/// A chat's HTTP response is read on a background task; the caller's thread takes what arrived,
/// raises the events and calls <see cref="IRunPump.Pump"/> between items, so a host such as
/// PowerShell can run its own queued work (event actions) while the answer streams in.
/// </summary>
public static class ChatEngine
{
    /// <summary>
    /// What <see cref="Run"/> would send, without sending it (for -WhatIf): the model, how many
    /// messages, and where. Checks the request as <see cref="Run"/> does, so bad input fails here.
    /// </summary>
    public static ChatPlan Plan(LlmClient client, ChatRequest request) => new ChatRunner(client).Plan(request);

    /// <summary>
    /// Sends the chat and returns the complete response. With tools, the model's tool calls are
    /// run on this thread and answered until it gives a final answer; with a session, its history
    /// is sent and the turn appended on success. Throws <see cref="LlmException"/> on failure, and
    /// <see cref="OperationCanceledException"/> (inner: the LlmException with the partial answer)
    /// when <paramref name="cancellationToken"/> stops it; either way the error events were raised
    /// first and the session is unchanged.
    /// </summary>
    public static ChatResponse Run(LlmClient client, ChatRequest request, RunOptions options, CancellationToken cancellationToken) =>
        new ChatRunner(client).Invoke(request, options, cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/> as a chain run (ChainStart, then ChainEnd or ChainError): every
    /// chat started inside becomes its child and inherits its callbacks, tags and metadata.
    /// Handler failures that do not stop the run go to <paramref name="errors"/>.
    /// </summary>
    public static T RunChain<T>(ChainRequest chain, ICallbackErrorSink errors, Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var scope = new CallbackScope
        {
            Inheritable = chain.Callbacks,
            Local = chain.LocalHandlers,
            Tags = chain.Tags,
            Metadata = chain.Metadata,
        };
        return ChainRunner.Run(chain.Name, chain.Inputs, scope, errors, body);
    }

    /// <summary>
    /// The models the client's server offers (<c>GET {endpoint}/models</c>), as it lists them.
    /// A server without a models list fails with LlmModelListUnavailable.
    /// </summary>
    public static IReadOnlyList<LlmModel> ListModels(LlmClient client, CancellationToken cancellationToken) =>
        Models.ModelList.Get(client, cancellationToken);

    /// <summary>Every event name a handler can ask for, in the order runs raise them.</summary>
    public static IReadOnlyList<string> EventNames => EventNameParser.ValidNames;

    /// <summary>
    /// Reads user-given event names ("LlmNewToken", "llmend", "PsLlm.LlmEnd"); null means every
    /// event ("*" anywhere). An unknown name throws LlmUnknownEventName listing the valid ones.
    /// </summary>
    public static IReadOnlyList<LlmEventName>? ParseEventNames(IEnumerable<string> names) => EventNameParser.Parse(names);

    /// <summary>A server's base URL as given by a user; anything but an absolute http(s) URL without credentials throws LlmInvalidEndpoint.</summary>
    public static Uri ParseEndpoint(string endpoint) => EndpointRules.Parse(endpoint);

    /// <summary>A proxy URL as given by a user; anything but an absolute http(s) or socks URL without credentials throws LlmInvalidProxy.</summary>
    public static Uri CheckProxy(Uri proxy) => EndpointRules.CheckProxy(proxy);

    /// <summary>The endpoint as events and logs show it: scheme, host, port and path, no query and no credentials.</summary>
    public static string ShowEndpoint(Uri endpoint) => EndpointRules.Display(endpoint);

    /// <summary>A URL the user typed with any user:password@ taken out, also when it cannot be parsed (for error messages).</summary>
    public static string RedactUrl(string? url) => EndpointRules.Redact(url);
}
