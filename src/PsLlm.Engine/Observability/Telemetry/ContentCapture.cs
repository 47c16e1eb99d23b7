namespace PsLlm.Engine.Observability.Telemetry;

/// <summary>
/// Whether message content goes on spans. The conventions forbid it by default (prompts and
/// answers are often personal or large) and name the environment variable an operator sets to
/// opt in; an explicit -CaptureContent / -CaptureContent:$false wins over it.
/// </summary>
internal static class ContentCapture
{
    public const string EnvironmentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    public static bool Resolve(bool? explicitChoice) =>
        explicitChoice ?? string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
