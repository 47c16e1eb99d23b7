namespace PsLlm.Benchmarks;

/// <summary>
/// Marks the benchmark of a class that runs the engine with no handler, so the per-token table can
/// show each handler's cost relative to "none" (the yardstick of "within 2x of none").
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NoHandlerReferenceAttribute : Attribute;
