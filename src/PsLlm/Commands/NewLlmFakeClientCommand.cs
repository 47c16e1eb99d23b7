using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Invocation;
using PsLlm.State;

namespace PsLlm.Commands;

/// <summary>Creates a client that answers without a network, for testing scripts that chat.</summary>
/// <remarks>
/// <para>
/// New-LlmFakeClient returns a client to use wherever a client goes (-Client, New-LlmChatSession, -Default) that never
/// leaves the process. It gives the answers of -Response in turn, one per model call (a chat with tools makes one call
/// per round), or replays a file recorded with New-LlmClient -RecordPath. Its answers go through the same reading as a
/// real server's: a streamed chat gets its tokens one by one, usage and finish reason are reported, tool calls run the
/// agent loop, an error answer fails the chat with the error a real server's would cause. So the events your handlers
/// and scripts see are the ones a real chat raises.
/// </para>
/// <para>
/// The client keeps every request it received in its Requests property (Model, Prompt, System, MessageCount,
/// ToolNames, Stream and the JSON Body), for your test's assertions. When it has no answer left, the chat fails with
/// LlmFakeClientExhausted.
/// </para>
/// </remarks>
/// <output type="PsLlm.LlmFakeClient">The client: Model, AnswersLeft, Requests, ReplayPath.</output>
/// <notes>
/// <para>
/// A -Response hashtable takes the keys Text, Tokens (the pieces a streamed answer comes in), Reasoning, ToolCalls (a
/// list of @{ Name = …; Arguments = @{…} or JSON text; Id = … }), Usage (@{ InputTokens = …; OutputTokens = … }),
/// FinishReason, TokenDelayMs (the time each token takes), Model (the model reported), and Error with Status (an error
/// answer: 429, 500, …; Status alone defaults the message, Error alone the status to 500). Another key fails with
/// LlmFakeAnswerInvalid.
/// </para>
/// <para>
/// A recording replays by path: each request gets the next recorded exchange for its path (/chat/completions,
/// /models), byte for byte, and LlmFakeClientExhausted when none is left. The OpenAI .NET SDK's own session records
/// (its tests' SessionRecords files) replay too.
/// </para>
/// </notes>
/// <example title="test a script's handling of an answer">
/// <code><![CDATA[
/// $fake = New-LlmFakeClient -Response 'Paris.'
/// $answer = Invoke-LlmChat 'Capital of France?' -Client $fake
/// $answer.Text                    # Paris.
/// $fake.Requests[0].Prompt        # Capital of France?
/// ]]></code>
/// <para>The fake answers the one chat and keeps the request it received.</para>
/// </example>
/// <example title="tokens, tool calls and errors, as a real server sends them">
/// <code><![CDATA[
/// $fake = New-LlmFakeClient -Response @(
///     @{ ToolCalls = @{ Name = 'add'; Arguments = @{ a = 2; b = 3 } } }
///     @{ Tokens = 'The sum', ' is 5.'; TokenDelayMs = 20 }
///     @{ Status = 429; Error = 'Rate limit reached' }
/// )
/// $add = New-LlmTool -Name add -Description 'Adds numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
/// Invoke-LlmChat 'What is 2 + 3?' -Client $fake -Tool $add -Stream | Write-Host -NoNewline
/// Invoke-LlmChat 'Again?' -Client $fake -ErrorAction SilentlyContinue -ErrorVariable failed
/// $failed[0].FullyQualifiedErrorId    # LlmRateLimited,...
/// ]]></code>
/// <para>
/// The first answer asks for the tool, which the agent loop runs; the second streams the final answer in two tokens;
/// the third fails the next chat as a 429 would.
/// </para>
/// </example>
/// <example title="in a Pester test" needs="Invoke-Pester (it is a test file)">
/// <code><![CDATA[
/// Describe 'Get-Summary' {
///     It 'sends the file and returns the answer' {
///         $fake = New-LlmFakeClient -Response 'A short summary.'
///         Invoke-LlmChat 'Summarize: PowerShell is a shell.' -Client $fake | ForEach-Object Text | Should -Be 'A short summary.'
///         $fake.Requests[0].Prompt | Should -BeLike 'Summarize:*'
///     }
/// }
/// ]]></code>
/// <para>No network and no key: the test runs anywhere. (Run it with Invoke-Pester.)</para>
/// </example>
/// <example title="record once, replay in tests">
/// <setup><![CDATA[
/// $null = New-LlmClient -RecordPath ./chat-record.json | ForEach-Object { Invoke-LlmChat 'Name a color.' -Client $_ }
/// ]]></setup>
/// <code><![CDATA[
/// $fake = New-LlmFakeClient -ReplayPath ./chat-record.json
/// (Invoke-LlmChat 'Name a color.' -Client $fake).Text
/// ]]></code>
/// <para>
/// New-LlmClient -RecordPath recorded a real exchange (keys sanitized); the fake answers the same request with the
/// recorded answer, byte for byte.
/// </para>
/// </example>
[Cmdlet(VerbsCommon.New, "LlmFakeClient", DefaultParameterSetName = ScriptedSet)]
[OutputType(typeof(LlmFakeClient))]
public sealed class NewLlmFakeClientCommand : PSCmdlet
{
    private const string ScriptedSet = "Scripted";
    private const string ReplaySet = "Replay";

    /// <summary>
    /// The answers, one per model call, in turn: strings (the answer's text), hashtables (see the notes for their
    /// keys) or LlmFakeAnswer objects.
    /// </summary>
    /// <value>None: every chat fails with LlmFakeClientExhausted</value>
    [Parameter(Position = 0, ParameterSetName = ScriptedSet)]
    [AllowEmptyCollection]
    public object[] Response { get; set; } = Array.Empty<object>();

    /// <summary>A file written by New-LlmClient -RecordPath (or an OpenAI SDK session record) to replay.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ReplaySet)]
    [ValidateNotNullOrEmpty]
    public string? ReplayPath { get; set; }

    /// <summary>The client's model, sent with each chat unless -Model says otherwise.</summary>
    /// <value>fake-model</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = "fake-model";

    /// <summary>Client-scoped callbacks, as for New-LlmClient -Callback.</summary>
    [Parameter]
    public object[]? Callback { get; set; }

    /// <summary>How many times an error answer (429, 5xx) is retried, as for a real client.</summary>
    /// <value>0</value>
    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; }

    /// <summary>Makes the fake the default client, used by chats without -Client.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <summary>Makes the client.</summary>
    protected override void EndProcessing()
    {
        try
        {
            var replay = ReplayPath is null ? null : FileSystemPath.Resolve(this, ReplayPath, "LlmReplayFileInvalid", "a recording is a file");
            if (replay is not null && !File.Exists(replay))
                throw new LlmException(LlmErrorKind.NotFound, "LlmReplayFileInvalid", $"The recording '{replay}' does not exist.") { ParameterName = nameof(ReplayPath) };
            var client = new LlmFakeClient(FakeAnswerArgument.ToAnswers(Response, this), replay, Model, CallbackArgument.ToHandlers(Callback), MaxRetries);
            if (Default) ModuleState.Current.MakeDefault(client);
            WriteObject(client);
        }
        catch (LlmException error)
        {
            ThrowTerminatingError(LlmErrorRecords.From(error, ReplayPath ?? (object)Response));
        }
    }
}
