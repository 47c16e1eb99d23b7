using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using PsLlm.Engine;

namespace PsLlm.State;

/// <summary>
/// PsLlm's state for one runspace: the default client and the session's callback registrations.
/// Kept per runspace because registered scriptblocks belong to the runspace that made them.
/// </summary>
internal sealed class ModuleState
{
    private static readonly ConditionalWeakTable<Runspace, ModuleState> ByRunspace = new();
    private static readonly ModuleState NoRunspace = new();
    private readonly List<CallbackRegistration> _registrations = new();
    private int _nextId;

    public static ModuleState Current =>
        Runspace.DefaultRunspace is { } runspace ? For(runspace) : NoRunspace;

    /// <summary>The state of <paramref name="runspace"/> (made on first use).</summary>
    public static ModuleState For(Runspace runspace) => ByRunspace.GetValue(runspace, _ => new ModuleState());

    /// <summary>
    /// A job's runspace takes over its caller's default client and registered callbacks (scriptblocks
    /// among them run in the job's runspace, re-created there), and <paramref name="forwarder"/>,
    /// which raises the job's engine events in the caller's session.
    /// </summary>
    public void InheritFrom(ModuleState caller, CallbackHandler forwarder)
    {
        if (caller.DefaultClient is { } client) DefaultClient = client;
        lock (_registrations)
        {
            _registrations.AddRange(caller.Registrations);
            _nextId = Math.Max(_nextId, _registrations.Count == 0 ? 0 : _registrations.Max(r => r.Id));
        }
        Add(id => new CallbackRegistration { Id = id, Name = "Forward to the calling session", EventName = ["*"], Handler = forwarder });
    }

    /// <summary>Set by New-LlmClient -Default (and New-LlmFakeClient -Default), through <see cref="MakeDefault"/>.</summary>
    public LlmClient? DefaultClient { get; private set; }

    /// <summary>Makes <paramref name="client"/> the default client of the session; the previous one no longer is.</summary>
    public void MakeDefault(LlmClient client)
    {
        if (DefaultClient is { } previous) previous.IsDefault = false;
        client.IsDefault = true;
        DefaultClient = client;
    }

    /// <summary>Built from OPENAI_* / PSLLM_MODEL and rebuilt when they change.</summary>
    public LlmClient? EnvironmentClient { get; set; }
    public string? EnvironmentFingerprint { get; set; }

    /// <summary>
    /// What was piped to Start-LlmBatch, per batch id and item id, so Receive-LlmBatch in this session
    /// gives each answer its input object (in another session, the answers carry their prompt and id).
    /// </summary>
    public Dictionary<string, IReadOnlyDictionary<string, object?>> BatchInputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The MCP servers connected in this session (Connect-LlmMcpServer), in the order connected.</summary>
    public McpServerList McpServers { get; } = new();

    /// <summary>The models of the endpoints asked so far (Get-LlmModel, Tab on -Model).</summary>
    public ModelCatalog Models { get; } = new();

    /// <summary>The session's SQLite log (Enable-LlmLog); while enabled, its writer is one of <see cref="Registrations"/>.</summary>
    public LlmLog Log { get; } = new();

    public IReadOnlyList<CallbackRegistration> Registrations
    {
        get { lock (_registrations) return _registrations.ToArray(); }
    }

    public CallbackRegistration Add(Func<int, CallbackRegistration> create)
    {
        lock (_registrations)
        {
            var registration = create(++_nextId);
            _registrations.Add(registration);
            return registration;
        }
    }

    public bool Remove(CallbackRegistration registration)
    {
        lock (_registrations) return _registrations.Remove(registration);
    }

    /// <summary>Removes every registration of <paramref name="handler"/>.</summary>
    public void RemoveHandler(CallbackHandler handler)
    {
        lock (_registrations) _registrations.RemoveAll(r => ReferenceEquals(r.Handler, handler));
    }

    /// <summary>The registered handlers that fire for a run of <paramref name="client"/> (null: a run of no client, e.g. a chain).</summary>
    public IEnumerable<CallbackHandler> HandlersFor(LlmClient? client) =>
        Registrations.Where(r => r.Client is null || ReferenceEquals(r.Client, client)).Select(r => r.Handler);
}
