using System.Management.Automation;

namespace PsLlm.Invocation;

/// <summary>
/// Builds ErrorRecords from <see cref="LlmException"/>: category from the kind, the stable error
/// id (FullyQualifiedErrorId "LlmRateLimited,PsLlm.Commands.InvokeLlmChatCommand"), the
/// recommended action, and the exception itself, which keeps PartialText/PartialResponse.
/// </summary>
internal static class LlmErrorRecords
{
    public static ErrorRecord From(LlmException error, object? target)
    {
        // A session file that cannot be read is bad data, not a bad argument.
        var category = error.ErrorId is "LlmSessionFileInvalid" or "LlmSessionFileTooNew" or "LlmSessionFileIsDirectory"
            ? ErrorCategory.InvalidData
            : Category(error.Kind);
        var record = new ErrorRecord(error, error.ErrorId, category, target);
        if (error.RecommendedAction is { } action)
            record.ErrorDetails = new ErrorDetails(error.Message) { RecommendedAction = action };
        return record;
    }

    public static ErrorCategory Category(LlmErrorKind kind) => kind switch
    {
        LlmErrorKind.InvalidInput => ErrorCategory.InvalidArgument,
        LlmErrorKind.Authentication => ErrorCategory.AuthenticationError,
        LlmErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        LlmErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        LlmErrorKind.RateLimited => ErrorCategory.LimitsExceeded,
        LlmErrorKind.BadRequest => ErrorCategory.InvalidArgument,
        LlmErrorKind.ServerError => ErrorCategory.ConnectionError,
        LlmErrorKind.Connection => ErrorCategory.ConnectionError,
        LlmErrorKind.Timeout => ErrorCategory.OperationTimeout,
        LlmErrorKind.CallbackFailed => ErrorCategory.OperationStopped,
        LlmErrorKind.Cancelled => ErrorCategory.OperationStopped,
        LlmErrorKind.Stopped => ErrorCategory.OperationStopped,
        LlmErrorKind.InvalidResponse => ErrorCategory.InvalidResult,
        LlmErrorKind.Refused => ErrorCategory.PermissionDenied,
        LlmErrorKind.ToolRoundsExceeded => ErrorCategory.LimitsExceeded,
        _ => ErrorCategory.NotSpecified,
    };
}
