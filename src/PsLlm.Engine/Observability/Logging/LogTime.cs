using System.Globalization;

namespace PsLlm.Engine.Observability.Logging;

/// <summary>
/// How times are stored: UTC ISO 8601 text with milliseconds ("2025-01-31T12:00:00.000Z"), which
/// sorts correctly as text, compares with -Since/-Until, and SQLite's date functions understand.
/// </summary>
internal static class LogTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string Write(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>A DateTime of unspecified kind is taken as local time, as PowerShell's Get-Date gives it.</summary>
    public static string Write(DateTime time) => Write(time.Kind == DateTimeKind.Unspecified
        ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Local))
        : new DateTimeOffset(time));

    public static DateTimeOffset Read(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>-Since after -Until is an error, not an empty answer.</summary>
    public static void CheckRange(DateTimeOffset? since, DateTimeOffset? until)
    {
        if (since > until)
            throw new LlmException(LlmErrorKind.InvalidInput, "LlmInvalidTimeRange",
                $"-Since ({since:u}) is later than -Until ({until:u}); nothing could match.")
            { ParameterName = "Since" };
    }
}
