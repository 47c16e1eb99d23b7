namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// The low-cardinality error.type of a failed run. The conventions ask instrumentations to
/// document what they report: PsLlm's own failures give their ErrorId (LlmRateLimited,
/// LlmServerError, LlmTimeout, LlmCancelled, … — the README's error table); anything else
/// (a tool's or a chain scriptblock's exception) gives its exception type's full name.
/// </summary>
internal static class GenAiErrorType
{
    public static string Of(Exception error) => error switch
    {
        LlmException llm => llm.ErrorId,
        OperationCanceledException { InnerException: LlmException inner } => inner.ErrorId,
        _ => error.GetType().FullName ?? error.GetType().Name,
    };
}
