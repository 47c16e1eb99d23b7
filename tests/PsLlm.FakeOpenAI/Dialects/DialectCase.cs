namespace PsLlm.FakeOpenAI.Dialects;

/// <summary>
/// One server's way of answering, as bytes: what it sends to a plain request and to a streamed
/// one, where those bytes come from, and what a client must read in them.
/// </summary>
/// <param name="Id">kebab-case name, used as <see cref="FakeReply.Dialect"/>.</param>
/// <param name="Server">The server (and version) that sends these bytes.</param>
/// <param name="Source">Where the bytes come from: the server's source, a captured exchange, an issue.</param>
public sealed record DialectCase(string Id, string Server, string Source, DialectWire Plain, DialectWire Stream, DialectOutcome Expect)
{
    /// <summary>What the plain variant means, when it differs from <see cref="Expect"/>.</summary>
    public DialectOutcome? ExpectPlain { get; init; }

    /// <summary>What the streamed variant means, when it differs from <see cref="Expect"/>.</summary>
    public DialectOutcome? ExpectStream { get; init; }

    public DialectOutcome Outcome(bool streamed) => (streamed ? ExpectStream : ExpectPlain) ?? Expect;

    public override string ToString() => Id;
}

/// <summary>A response as it goes on the wire.</summary>
/// <param name="Body">The body, byte for byte (UTF-8).</param>
/// <param name="PieceSize">When above 0, the body is written in pieces of this many bytes, each flushed on its own, so that the client reads them separately (a CRLF or a character split between reads).</param>
public sealed record DialectWire(string Body, int Status = 200, string ContentType = "application/json", int PieceSize = 0)
{
    /// <summary>Extra bytes before <see cref="Body"/> (a byte-order mark).</summary>
    public byte[] Prefix { get; init; } = [];

    public static DialectWire Json(string body, int status = 200) => new(body, status);

    /// <summary>An event stream: each item one <c>data:</c> event followed by a blank line.</summary>
    public static DialectWire Sse(params string[] events) =>
        new(string.Concat(events.Select(e => "data: " + e + "\n\n")), ContentType: "text/event-stream");

    /// <summary>An event stream written exactly as given.</summary>
    public static DialectWire RawSse(string body, int pieceSize = 0) => new(body, ContentType: "text/event-stream", PieceSize: pieceSize);
}

/// <summary>What a client must make of a case's bytes.</summary>
public sealed record DialectOutcome
{
    public string Text { get; init; } = "";
    public string? Reasoning { get; init; }
    public string FinishReason { get; init; } = "stop";
    public IReadOnlyList<ExpectedToolCall> ToolCalls { get; init; } = [];
    /// <summary>Null: not checked.</summary>
    public ExpectedUsage? Usage { get; init; }
    /// <summary>Null: the response has no usage.</summary>
    public bool NoUsage { get; init; }
    /// <summary>When set, the chat fails with this error id (the first part of FullyQualifiedErrorId).</summary>
    public string? ErrorId { get; init; }
    /// <summary>Text the error's message must contain.</summary>
    public string? ErrorMessage { get; init; }
    /// <summary>The text that must survive the failure on the error.</summary>
    public string? PartialText { get; init; }

    public static DialectOutcome Failure(string errorId, string? message = null, string? partial = null) =>
        new() { ErrorId = errorId, ErrorMessage = message, PartialText = partial };
}

/// <param name="ProviderFields">The fields kept on the call, as a JSON object text (null: none).</param>
public sealed record ExpectedToolCall(string Id, string Name, string Arguments, string? ProviderFields = null);

public sealed record ExpectedUsage(int Input, int Output, int Total, int Cached = 0, int Reasoning = 0);
