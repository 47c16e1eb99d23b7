namespace PsLlm.Engine;

/// <summary>What a chat would send, without sending it (-WhatIf, verbose messages).</summary>
/// <param name="Model">The model asked for.</param>
/// <param name="MessageCount">How many messages would be sent (system, history, prompt).</param>
/// <param name="EndpointHost">The server's host name, as ShouldProcess names the target.</param>
/// <param name="Endpoint">The endpoint as users see it (<see cref="ChatEngine.ShowEndpoint"/>).</param>
public sealed record ChatPlan(string Model, int MessageCount, string EndpointHost, string Endpoint);
