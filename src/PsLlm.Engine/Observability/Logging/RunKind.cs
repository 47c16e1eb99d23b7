namespace PsLlm.Engine.Observability.Logging;

/// <summary>What kind of run a log row describes.</summary>
internal enum RunKind { Chain, Llm, Tool }

/// <summary>How a run ended.</summary>
internal enum RunStatus { Ok, Error, Cancelled, Stopped }
