namespace PsLlm.Engine.Chat;

/// <summary>What a chat would send: the model, the number of messages, and where (host, and the endpoint as shown to users).</summary>
public sealed record ChatPlan(string Model, int MessageCount, string EndpointHost, string Endpoint);
