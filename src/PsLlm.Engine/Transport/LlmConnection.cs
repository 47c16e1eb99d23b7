using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Net;
using OpenAI;
using OpenAI.Chat;

namespace PsLlm.Engine.Transport;

/// <summary>
/// The SDK side of an <see cref="LlmClient"/>: one OpenAIClient, a ChatClient per model and the
/// redactor that knows the client's secrets. Built on first use and kept on the client.
/// </summary>
internal sealed class LlmConnection
{
    private static readonly object Gate = new();
    private readonly OpenAIClient _client;
    private readonly ConcurrentDictionary<string, ChatClient> _chatClients = new(StringComparer.Ordinal);

    private LlmConnection(LlmClient client)
    {
        var key = client.ApiKey is { Length: > 0 } secure ? new NetworkCredential(string.Empty, secure).Password : null;
        var isAzure = client.Endpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase);
        var options = new OpenAIClientOptions
        {
            Endpoint = client.Endpoint,
            OrganizationId = client.Organization,
            ProjectId = client.Project,
            RetryPolicy = new RetryReportingPolicy(client.MaxRetries),
            UserAgentApplicationId = "PsLlm",
        };
        if (client.Timeout is { } timeout) options.NetworkTimeout = timeout;
        options.AddPolicy(new StreamUsageOptOutPolicy(client), PipelinePosition.PerCall);
        options.AddPolicy(new RequestHeaderPolicy(client.Headers, key is not null, isAzure ? key : null), PipelinePosition.BeforeTransport);
        // The SDK insists on a credential; without a key the header policy strips it again.
        _client = new OpenAIClient(new ApiKeyCredential(key ?? "no-key"), options);
        Redactor = new SecretRedactor(client.Headers.Values.Append(key));
    }

    public SecretRedactor Redactor { get; }

    public static LlmConnection For(LlmClient client)
    {
        if (client.EngineState is LlmConnection existing) return existing;
        lock (Gate)
        {
            if (client.EngineState is not LlmConnection connection)
            {
                connection = new LlmConnection(client);
                client.EngineState = connection;
            }
            return connection;
        }
    }

    public ChatClient Chat(string model) => _chatClients.GetOrAdd(model, m => _client.GetChatClient(m));
}
