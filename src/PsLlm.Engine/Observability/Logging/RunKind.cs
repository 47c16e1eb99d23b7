namespace PsLlm.Engine.Observability.Logging;

/// <summary>What kind of run a log row describes.</summary>
public enum RunKind { Chain, Llm, Tool }

/// <summary>How a run ended.</summary>
public enum RunStatus { Ok, Error, Cancelled, Stopped }
