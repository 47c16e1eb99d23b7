namespace PsLlm;

/// <summary>What went wrong, independent of transport; the cmdlets map it to an ErrorCategory.</summary>
public enum LlmErrorKind
{
    /// <summary>Input rejected before any request was sent.</summary>
    InvalidInput,
    /// <summary>HTTP 401, or no API key where one is required.</summary>
    Authentication,
    /// <summary>HTTP 403.</summary>
    PermissionDenied,
    /// <summary>HTTP 404, usually an unknown model.</summary>
    NotFound,
    /// <summary>HTTP 429.</summary>
    RateLimited,
    /// <summary>HTTP 400/422 and other 4xx.</summary>
    BadRequest,
    /// <summary>HTTP 5xx.</summary>
    ServerError,
    /// <summary>No response: refused, reset, DNS, or the stream broke off.</summary>
    Connection,
    /// <summary>The request took longer than the client's timeout.</summary>
    Timeout,
    /// <summary>A handler registered with RaiseError threw.</summary>
    CallbackFailed,
    /// <summary>The run was stopped (Ctrl+C).</summary>
    Cancelled,
    /// <summary>
    /// A consumer downstream stopped reading (<c>Select-Object -First</c>): the run ended early, as
    /// asked. Recorded as stopped, never counted as an error.
    /// </summary>
    Stopped,
    /// <summary>The server's answer could not be understood, or was not the JSON asked for.</summary>
    InvalidResponse,
    /// <summary>The model refused to answer (OpenAI's refusal field).</summary>
    Refused,
    /// <summary>The model kept calling tools past the limit (-MaxToolRounds).</summary>
    ToolRoundsExceeded,
}
