using System.Collections;
using System.Management.Automation;
using PsLlm.Arguments;
using PsLlm.Invocation;

namespace PsLlm.Commands;

/// <summary>Sends a prompt to a chat model and returns the answer, optionally streamed.</summary>
/// <remarks>
/// <para>
/// The Invoke-LlmChat cmdlet sends a chat to an OpenAI-compatible server: an optional system message (-System) and the
/// prompt as the user message. One chat runs per pipeline input, so 'a','b' | Invoke-LlmChat runs two chats, one after
/// the other.
/// </para>
/// <para>
/// By default it writes one PsLlm.ChatResponse per chat when the answer is complete. The string form of a response is
/// its text, and its default view shows only the text; Format-List * also shows Model, FinishReason, Usage, Duration,
/// TimeToFirstToken, ResponseId, Refusal, Messages (what was sent), IsPartial, RunId, ChainRunId, ToolCalls, Transcript
/// (the messages this chat added: prompt, tool calls and results, answer), Session, Rounds (model calls) and Object
/// (the parsed JSON answer).
/// </para>
/// <para>
/// With -Stream the answer is requested as a stream and every piece is written as a PsLlm.ChatToken as soon as it
/// arrives. The string form of a token is its text, so Invoke-LlmChat -Stream '...' | Write-Host -NoNewline prints the
/// answer live. Add -PassThru to also write the complete ChatResponse after the tokens; the complete response of a
/// streamed chat is also the Response property of its LlmEnd event.
/// </para>
/// <para>
/// With -AsEvents the answer is streamed and every callback event object of the run is written, in order, instead of
/// the answer: ChainStart, Text, ChatModelStart, any Retry, one LlmNewToken per token, LlmEnd and ChainEnd (or LlmError
/// and ChainError when the chat fails). The events are shown as a table of time, event name, run ids and a summary.
/// </para>
/// <para>
/// With -Session the chat continues a conversation made with New-LlmChatSession or Import-LlmChatSession: the session's
/// system message, its history (trimmed to the session's MaxHistory and MaxTokens, oldest whole turns first) and the
/// prompt are sent. When the chat succeeds, its whole turn (the prompt, any tool calls and their results, and the
/// answer) is appended to the session at once; a failed or stopped turn appends nothing and writes the warning "The
/// turn failed; the session's history is unchanged." The session's client and model are used unless -Client or -Model
/// is given, and -System replaces the session's system message for this chat only. A response carries its session in
/// its Session property, so $r | Invoke-LlmChat 'next' continues the conversation.
/// </para>
/// <para>
/// With -Tool the chat runs an agent loop: the tools (made with New-LlmTool) are offered to the model, and each tool
/// call it makes (several per answer too, streamed or not) is checked against the tool's JSON schema and run on the
/// pipeline thread; its output goes back to the model, and the model is called again, until it answers without calling
/// a tool. Only the tools given with -Tool can run. A call to an unknown tool, arguments that do not fit the schema,
/// and an exception thrown by the tool do not stop the chat: they raise a ToolError event and the message goes back to
/// the model, so it can recover. Tool output is text (strings as lines, objects as compact JSON), cut to 16,000
/// characters. A model still calling tools after -MaxToolRounds rounds fails the chat with LlmMaxToolRoundsExceeded.
/// The response's ToolCalls property lists every call with its arguments, output, Succeeded and Executed.
/// </para>
/// <para>
/// A chat is billed, so -WhatIf sends nothing: it shows "What if: Performing the operation "Send chat (N messages,
/// model M)" on target "&lt;endpoint host&gt;"" and writes no response. Ordinary chats are never asked about otherwise
/// (only -Confirm asks before sending). Tools that require approval (New-LlmTool -RequireApproval, or a command that
/// supports ShouldProcess with ConfirmImpact Medium or High, such as Remove-Item) run only when ShouldProcess approves
/// them, with the action "Run tool" and the target "&lt;tool name&gt; &lt;arguments&gt;"; declining sends the model
/// "Not executed: running this tool was not approved (-WhatIf, or declined at the confirmation prompt)." and it can
/// answer accordingly. Invoke-LlmChat has ConfirmImpact High, so with the default $ConfirmPreference (High) you are
/// asked before each such call; -Confirm:$false runs them without asking (for scripts and non-interactive sessions).
/// </para>
/// <para>
/// With -JsonSchema the answer must be JSON matching the schema (OpenAI structured outputs: the schema is sent with
/// strict: true under the name -SchemaName); with -ResponseFormat Json it must be a JSON object (JSON mode). The
/// answer, parsed into PowerShell objects (PSCustomObjects, arrays as object[]), is in the response's Object property,
/// and -AsObject writes it instead of the response. An answer that is not valid JSON fails with LlmInvalidJson, keeping
/// the raw text on $err.Exception.PartialText; a refusal fails with LlmRefused, with the model's message on
/// $err.Exception.PartialResponse.Refusal.
/// </para>
/// <para>
/// The client is the one given with -Client, else the one made with New-LlmClient -Default, else one built from the
/// environment variables OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL (model gpt-4o-mini when PSLLM_MODEL is not
/// set).
/// </para>
/// <para>
/// Every chat is a chain run named Invoke-LlmChat with a chat model run under it, and raises LangChain-style callback
/// events. With tools, each round that asks for tools is followed by AgentAction (on the chain run) and a tool run with
/// ToolStart and ToolEnd or ToolError for every call, and AgentFinish comes before ChainEnd: the run tree is chain
/// -&gt; llm, tool, ..., llm. They reach the callbacks registered with Register-LlmCallback (session or client scope),
/// the client's own -Callback handlers, the session's .NET events (with -Session), the handlers given with -Callback
/// here (request scope: this run and every run nested under it), the client's .NET events (Register-ObjectEvent), the
/// engine events PsLlm.&lt;EventName&gt; (Register-EngineEvent) and, with -Stream or -AsEvents, the pipeline. Handlers
/// run on the pipeline thread, in event order, while the answer is still arriving. LlmNewToken events happen only for
/// streamed chats, that is with -Stream or -AsEvents. See about_PsLlm.
/// </para>
/// <para>
/// While it waits for the server, Invoke-LlmChat also runs the actions of Register-ObjectEvent and Register-EngineEvent
/// subscriptions that are queued, so those -Action blocks run live during the stream rather than after the command
/// ends. Actions that are still queued when it returns run at the next opportunity, for example at the prompt or during
/// Start-Sleep.
/// </para>
/// <para>
/// A failed chat writes a non-terminating error, so the remaining pipeline input is still processed. Its
/// FullyQualifiedErrorId starts with a stable id such as LlmRateLimited or LlmAuthenticationFailed, its exception is a
/// PsLlm.LlmException, and the text that had arrived before the failure is in $err.Exception.PartialText and
/// $err.Exception.PartialResponse. A missing API key (LlmApiKeyMissing) and an invalid endpoint (LlmInvalidEndpoint)
/// are terminating errors. Ctrl+C stops the chat promptly; the LlmError and ChainError events still fire, with the
/// partial text.
/// </para>
/// </remarks>
/// <input type="System.String">A prompt. Each string piped to Invoke-LlmChat runs one chat.</input>
/// <input type="System.Management.Automation.PSObject">
/// Objects with a Prompt property, and optionally System (or SystemPrompt), Client, Tag (or Tags), Metadata and Session
/// properties, bound by property name; one chat per object.
/// </input>
/// <input type="PsLlm.ChatResponse">
/// A response piped with the prompt given as an argument ($r | Invoke-LlmChat 'next'): its Session binds to -Session,
/// continuing the conversation (its reported Model is not bound).
/// </input>
/// <output type="PsLlm.ChatResponse">
/// Without -Stream, -AsEvents and -AsObject, one response per chat. With -Stream -PassThru, after the tokens. Its
/// string form is the answer's text.
/// </output>
/// <output type="System.Management.Automation.PSObject">With -AsObject, the answer parsed from JSON (a PSCustomObject, or an array as one object).</output>
/// <output type="PsLlm.ChatToken">
/// With -Stream, one object per streamed piece of the answer, as it arrives. Its string form is the text.
/// </output>
/// <output type="PsLlm.LlmEvent">
/// With -AsEvents, every callback event object, in order (derived types such as PsLlm.ChainStartEvent,
/// PsLlm.LlmNewTokenEvent and PsLlm.LlmEndEvent).
/// </output>
/// <output type="PsLlm.LlmChatJob">With -AsJob, the job; Receive-Job gets what the command would have written.</output>
/// <notes>
/// <para>
/// Error ids (the first part of the FullyQualifiedErrorId, e.g. "LlmRateLimited,PsLlm.Commands.InvokeLlmChatCommand")
/// and categories: LlmAuthenticationFailed (HTTP 401, AuthenticationError); LlmPermissionDenied (403,
/// PermissionDenied); LlmModelNotFound (404, ObjectNotFound); LlmRateLimited (429, LimitsExceeded); LlmBadRequest (400,
/// 422 and other 4xx, InvalidArgument); LlmServerError (5xx, ConnectionError); LlmConnectionFailed (no answer, refused
/// or broken connection, ConnectionError); LlmTimeout (OperationTimeout); LlmInvalidResponse (InvalidResult);
/// LlmCallbackFailed (a handler with RaiseError threw, OperationStopped); LlmApiKeyMissing (no key for OpenAI or Azure
/// OpenAI, terminating, AuthenticationError); LlmInvalidEndpoint and the input checks such as LlmEmptyPrompt
/// (InvalidArgument).
/// </para>
/// <para>
/// Error ids of tools and structured output: LlmMaxToolRoundsExceeded (LimitsExceeded; the transcript is on the
/// exception's PartialResponse), LlmInvalidJson (the answer is not JSON; InvalidResult; the raw text is on
/// PartialText), LlmRefused (the model refused; PermissionDenied; the message is on PartialResponse.Refusal), and the
/// input checks LlmInvalidJsonSchema, LlmToolChoiceWithoutTools, LlmUnknownToolChoice, LlmDuplicateToolName and
/// LlmInvalidToolName (InvalidArgument), raised before anything is sent. A failed tool call is not an error of the
/// chat: it is a ToolError event and a message to the model.
/// </para>
/// <para>With -Session, a failed turn also writes the warning "The turn failed; the session's history is unchanged."</para>
/// <para>
/// The exception is a PsLlm.LlmException with Kind, ErrorId, StatusCode, ServerErrorCode, RetryAfter,
/// RecommendedAction, PartialText and PartialResponse. Its message never contains the API key or header values.
/// Requests failing with 429, 5xx or a connection error are retried first (New-LlmClient -MaxRetries, default 2), each
/// retry raising a Retry event.
/// </para>
/// <para>
/// Ctrl+C stops the chat promptly, also while the server is still thinking. No error is written; the LlmError and
/// ChainError events fire first with the text received so far in their PartialText property.
/// </para>
/// <para>
/// Parameter validation: Temperature 0 to 2, TopP 0 to 1, MaxTokens 1 or more, Stop 1 to 4 non-empty items,
/// MaxToolRounds 1 to 100, SchemaName 1 to 64 letters, digits, _ and -, ResponseFormat Text or Json.
/// </para>
/// <para>
/// Event order of a chat: ChainStart, Text (the prompt), ChatModelStart (LlmStart for handlers that handle only that),
/// Retry (if any), LlmNewToken (streamed chats), LlmEnd, ChainEnd; on failure LlmError and ChainError instead of LlmEnd
/// and ChainEnd. The chain events carry the chain run's RunId; ChatModelStart, LlmNewToken, LlmEnd, LlmError and Retry
/// carry the chat model run's RunId, with the chain run as ParentRunId.
/// </para>
/// <para>
/// Event order of a chat with tools: ChainStart, Text, then for each round ChatModelStart ... LlmEnd (finish reason
/// tool_calls), and for each call AgentAction (the chain run's RunId), ToolStart and ToolEnd or ToolError (a tool run,
/// child of the chain run); then the final round ChatModelStart ... LlmEnd, AgentFinish (Output, Rounds) and ChainEnd.
/// A chat started inside a tool is a child of that tool run and inherits this chat's -Callback handlers.
/// </para>
/// </notes>
/// <parameter name="WhatIf">
/// Sends nothing, because a chat is billed: PowerShell shows what would be sent, "What if: Performing the operation
/// "Send chat (N messages, model M)" on target "&lt;endpoint host&gt;"", and no response is written. No tool runs
/// either. Input is still checked first, so bad input is still an error.
/// </parameter>
/// <parameter name="Confirm">
/// <para>
/// Asks before the chat is sent, and before each call of a tool that requires approval (Yes runs it; No sends the model
/// "Not executed: ..." instead). Without -Confirm an ordinary chat is never asked about, and tools that do not require
/// approval run without asking.
/// </para>
/// <para>
/// Invoke-LlmChat has ConfirmImpact High, so you are asked by default too; -Confirm:$false runs approval-required tools
/// without asking.
/// </para>
/// </parameter>
/// <example title="a simple chat">
/// <code><![CDATA[
/// Invoke-LlmChat 'Explain PowerShell splatting in two sentences.'
/// ]]></code>
/// <para>
/// Sends the prompt with the default client and prints the answer when it is complete. The ChatResponse object shows
/// only its text; pipe it to Format-List * to see the model, finish reason, token usage and timings.
/// </para>
/// </example>
/// <example title="print a streamed answer live">
/// <code><![CDATA[
/// Invoke-LlmChat -Stream 'Tell me a joke' | Write-Host -NoNewline
/// Write-Host
/// ]]></code>
/// <para>
/// Writes each PsLlm.ChatToken as it arrives; because a token's string form is its text, Write-Host -NoNewline prints
/// the answer as it is generated. The second line ends the line.
/// </para>
/// </example>
/// <example title="stream and keep the complete response">
/// <code><![CDATA[
/// $answer = Invoke-LlmChat -Stream -PassThru 'Write a haiku about pipelines.' |
///     ForEach-Object {
///         if ($_ -is [PsLlm.ChatToken]) { Write-Host $_ -NoNewline } else { $_ }
///     }
/// Write-Host
/// $answer | Format-List Model, FinishReason, Usage, TimeToFirstToken, Duration
/// ]]></code>
/// <para>
/// Prints the tokens live and keeps the PsLlm.ChatResponse that -PassThru writes after them, with the token usage and
/// the time to the first token.
/// </para>
/// </example>
/// <example title="one chat per pipeline input">
/// <code><![CDATA[
/// 'Name a prime number.', 'Name a primary color.' |
///     Invoke-LlmChat -Model gpt-4o-mini -System 'Answer in one word.' -Temperature 0 |
///     ForEach-Object Text
/// ]]></code>
/// <para>
/// Runs two chats, one per string, with the same model, system message and settings, and outputs the two answers.
/// </para>
/// </example>
/// <example title="inputs bound by property name">
/// <code><![CDATA[
/// $c = New-LlmClient -Endpoint http://localhost:11434/v1 -Model llama3.2
/// @(
///     [pscustomobject]@{ Prompt = 'Translate "good morning" to French.'; Tag = 'fr' }
///     [pscustomobject]@{ Prompt = 'Translate "good morning" to German.'; Tag = 'de' }
/// ) | Invoke-LlmChat -Client $c
/// ]]></code>
/// <para>
/// Each object supplies its own Prompt and Tag. The tags appear in the Tags property of every event of that chat.
/// </para>
/// </example>
/// <example title="a model per row of a CSV file">
/// <setup><![CDATA[
/// "Prompt,Model`nName a prime number.,gpt-4o-mini`nName a primary color.,gpt-4o" | Set-Content questions.csv
/// ]]></setup>
/// <code><![CDATA[
/// Import-Csv questions.csv | Invoke-LlmChat | Select-Object Model, Text
/// ]]></code>
/// <para>
/// Each row's Prompt and Model columns bind by property name, so every question goes to its own model. A -Model on the
/// command line would send them all to that one.
/// </para>
/// </example>
/// <example title="ask about an image and a file">
/// <setup><![CDATA[
/// [IO.File]::WriteAllBytes("$PWD/chart.png", [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='))
/// 'Sales rose 4% in March.' | Set-Content notes.txt
/// ]]></setup>
/// <code><![CDATA[
/// Invoke-LlmChat 'Does the chart agree with the notes?' -Attachment ./chart.png, ./notes.txt -Model gpt-4o-mini
/// ]]></code>
/// <para>
/// The image goes as an image part (its bytes embedded), the text file as a text part with its name. The model must
/// accept images.
/// </para>
/// </example>
/// <example title="one chat per file">
/// <setup><![CDATA[
/// New-Item -ItemType Directory reports -Force | Out-Null
/// 'Q1: revenue up.' | Set-Content reports/q1.txt
/// 'Q2: revenue flat.' | Set-Content reports/q2.txt
/// ]]></setup>
/// <code><![CDATA[
/// Get-ChildItem ./reports -Filter *.txt | Invoke-LlmChat 'Summarize this report in one line.' | ForEach-Object Text
/// ]]></code>
/// <para>Each file binds to -Attachment by its FullName: one chat per file, with the same prompt.</para>
/// </example>
/// <example title="many prompts at once">
/// <setup><![CDATA[
/// "Id,Prompt`n101,The app crashes when I save.`n102,How do I export my data?`n103,Please add a dark mode." | Set-Content tickets.csv
/// ]]></setup>
/// <code><![CDATA[
/// Import-Csv tickets.csv |
///     Invoke-LlmChat -System 'Classify as bug, question or request. One word.' -ThrottleLimit 8 |
///     Select-Object @{ Name = 'Id'; Expression = { $_.InputObject.Id } }, Text
/// ]]></code>
/// <para>
/// Up to eight chats run at once. Each response's InputObject is its CSV row, so results (which come as chats end;
/// add -Ordered for input order) are matched to their tickets.
/// </para>
/// </example>
/// <example title="chats in the background">
/// <setup><![CDATA[
/// "What is PowerShell?`nWhat is a cmdlet?" | Set-Content questions.txt
/// ]]></setup>
/// <code><![CDATA[
/// $job = Get-Content questions.txt | Invoke-LlmChat -AsJob -ThrottleLimit 4
/// Get-Job -Id $job.Id
/// $job | Receive-Job -Wait | Select-Object Prompt, Text
/// ]]></code>
/// <para>
/// The chats run as a job while the session stays free; Receive-Job collects the answers (Stop-Job stops them).
/// </para>
/// </example>
/// <example title="see every event of a run">
/// <code><![CDATA[
/// Invoke-LlmChat 'hi' -AsEvents | Format-Table
/// Invoke-LlmChat 'hi' -AsEvents | Where-Object EventName -ne LlmNewToken | Format-List *
/// ]]></code>
/// <para>
/// The first command lists the run's events as they happen: ChainStart, Text, ChatModelStart, the LlmNewToken events,
/// LlmEnd and ChainEnd, with their time, run ids and a summary. The second shows all properties of every event except
/// the tokens.
/// </para>
/// </example>
/// <example title="callbacks for one request">
/// <code><![CDATA[
/// $log = [System.Collections.Generic.List[string]]::new()
/// $null = Invoke-LlmChat -Stream 'Count to ten.' -Callback @{
///     LlmNewToken = { $log.Add($_.Token) }
///     LlmEnd      = { Write-Host "Done: $($_.Response.FinishReason), $($_.Response.Usage)" }
/// }
/// $log.Count
/// ]]></code>
/// <para>
/// Passes a hashtable of event name = scriptblock. The scriptblocks get the event as $_ and run on the pipeline thread
/// while the answer streams. They apply to this chat and to any chat nested in it. Their output is discarded, so they
/// collect data in a variable and report with Write-Host.
/// </para>
/// </example>
/// <example title="Register-ObjectEvent on the client">
/// <code><![CDATA[
/// $c = New-LlmClient -Endpoint http://localhost:11434/v1 -Model llama3.2
/// $sub = Register-ObjectEvent -InputObject $c -EventName LlmNewToken -Action {
///     $EventArgs.Token
/// }
/// $null = Invoke-LlmChat -Client $c -Stream 'Name three rivers.'
/// Start-Sleep -Milliseconds 100   # lets the last queued actions run
/// -join (Receive-Job $sub)
/// Unregister-Event -SourceIdentifier $sub.Name
/// ]]></code>
/// <para>
/// Subscribes to the client's LlmNewToken .NET event. $EventArgs is the PsLlm.LlmNewTokenEvent and $Sender the client.
/// The action runs while the answer streams, because Invoke-LlmChat runs queued event actions while it waits; the last
/// few may still be queued when it returns, which the short Start-Sleep allows for. The action's output is collected by
/// the event job and read with Receive-Job.
/// </para>
/// </example>
/// <example title="Register-EngineEvent">
/// <code><![CDATA[
/// $null = Register-EngineEvent -SourceIdentifier PsLlm.LlmEnd -Action {
///     $Event.MessageData.Response.Usage
/// }
/// Invoke-LlmChat 'What is the capital of Japan?'
/// Get-Job -Name PsLlm.LlmEnd | Receive-Job
/// ]]></code>
/// <para>
/// Every event is also raised as the PowerShell engine event PsLlm.&lt;EventName&gt; when someone subscribed to it.
/// $Event.MessageData is the event object. Engine token events (PsLlm.LlmNewToken) are coalesced; their Count property
/// says how many tokens each carries.
/// </para>
/// </example>
/// <example title="handle errors and keep the partial answer">
/// <code><![CDATA[
/// Invoke-LlmChat -Stream 'Tell a story.' -ErrorVariable err -ErrorAction SilentlyContinue |
///     Write-Host -NoNewline
/// if ($err) {
///     $err[0].FullyQualifiedErrorId   # LlmConnectionFailed,PsLlm.Commands.Invoke...
///     $err[0].CategoryInfo.Category   # ConnectionError
///     $err[0].Exception.PartialText   # what arrived before the failure
///     $err[0].Exception.PartialResponse.IsPartial
/// }
/// ]]></code>
/// <para>
/// Collects the error instead of displaying it. The exception is a PsLlm.LlmException; PartialText holds the text that
/// arrived before the failure, and PartialResponse the response as far as it got.
/// </para>
/// </example>
/// <example title="catch a specific failure">
/// <code><![CDATA[
/// try {
///     Invoke-LlmChat 'Hello' -ErrorAction Stop
/// }
/// catch [PsLlm.LlmException] {
///     $e = $_.Exception
///     switch ($e.ErrorId) {
///         'LlmRateLimited'          { Write-Warning "Rate limited; wait $($e.RetryAfter)" }
///         'LlmAuthenticationFailed' { Write-Warning 'Check the API key.' }
///         default                   { throw }   # rethrow anything else
///     }
/// }
/// ]]></code>
/// <para>
/// With -ErrorAction Stop the error becomes terminating and can be caught by the PsLlm.LlmException type; ErrorId,
/// StatusCode, ServerErrorCode and RetryAfter (the server's Retry-After, when it sent one) tell what happened. The
/// exception is kept in $e because $_ means the switch value inside the switch statement.
/// </para>
/// </example>
/// <example title="a chat with tools">
/// <code><![CDATA[
/// $add = New-LlmTool -Name add -Description 'Adds two whole numbers.' -ScriptBlock {
///     param([Parameter(Mandatory)][int] $a, [Parameter(Mandatory)][int] $b)
///     $a + $b
/// }
/// $date = New-LlmTool -Command Get-Date -Parameter Format
/// $r = Invoke-LlmChat 'What year is it? And what is 1 + 2?' -Tool $add, $date
/// $r.Text
/// $r.ToolCalls | Format-Table Name, Arguments, Output, Succeeded
/// ]]></code>
/// <para>
/// The model can call add and Get-Date; Invoke-LlmChat runs each call, sends the output back and calls the model again
/// until it answers. ToolCalls shows what was called, with which arguments, and what went back to the model.
/// </para>
/// </example>
/// <example title="watch the agent loop">
/// <code><![CDATA[
/// $add = New-LlmTool -Name add -Description 'Adds two numbers.' -ScriptBlock { param([int] $a, [int] $b) $a + $b }
/// Invoke-LlmChat 'What is 1 + 2?' -Tool $add -AsEvents |
///     Where-Object EventName -in AgentAction, ToolStart, ToolEnd, ToolError, AgentFinish |
///     Format-Table
/// ]]></code>
/// <para>
/// Shows the tool events of the run: AgentAction when the model asks for a tool, ToolStart and ToolEnd (or ToolError)
/// around the call, and AgentFinish with the final answer and the number of model calls.
/// </para>
/// </example>
/// <example title="tools that need approval">
/// <setup><![CDATA[
/// $null = New-Item -ItemType Directory ./scratch
/// Set-Content ./scratch/old.log 'old'
/// ]]></setup>
/// <code><![CDATA[
/// $remove = New-LlmTool -Command Remove-Item -Parameter Path -RootPath ./scratch
/// Invoke-LlmChat 'Delete ./scratch/old.log' -Tool $remove
/// Invoke-LlmChat 'Delete ./scratch/old.log' -Tool $remove -WhatIf
/// ]]></code>
/// <para>
/// Remove-Item has ConfirmImpact Medium, so its tool requires approval: you are asked before each call (-Confirm:$false
/// skips the question; No tells the model "Not executed: ..."). -RootPath keeps every path it is given inside
/// ./scratch: a path outside, a .. or a link out of it is refused before anyone is asked. With -WhatIf nothing is sent
/// at all: PowerShell shows the chat that would have been sent.
/// </para>
/// </example>
/// <example title="a conversation">
/// <code><![CDATA[
/// $s = New-LlmChatSession -System 'You are terse.' -MaxHistory 20
/// Invoke-LlmChat 'My name is Ada.' -Session $s | Out-Null
/// $r = Invoke-LlmChat 'What is my name?' -Session $s
/// $r.Text
/// $s.TurnCount
/// ]]></code>
/// <para>
/// Each chat of the session sends its system message and history before the prompt, and appends its turn when it
/// succeeds, so the second chat knows the name. TurnCount is 2.
/// </para>
/// </example>
/// <example title="pipe a response back to continue">
/// <code><![CDATA[
/// $r = Invoke-LlmChat 'Name a river in Africa.' -Session (New-LlmChatSession)
/// $r | Invoke-LlmChat 'How long is it?'
/// $r | Invoke-LlmChat 'Which countries does it cross?'
/// ]]></code>
/// <para>
/// A response of a session chat carries its session, which binds to -Session by property name, so piping it continues
/// the conversation. The response's Model (the model name the server reported) binds to -Model as well; the third line
/// picks the model explicitly.
/// </para>
/// </example>
/// <example title="structured output as objects">
/// <code><![CDATA[
/// $schema = [ordered]@{
///     type                 = 'object'
///     properties           = [ordered]@{
///         city       = @{ type = 'string' }
///         population = @{ type = 'integer' }
///     }
///     required             = @('city', 'population')
///     additionalProperties = $false
/// }
/// $city = Invoke-LlmChat 'The largest city in Norway?' -JsonSchema $schema -SchemaName city -AsObject
/// "$($city.city): $($city.population)"
/// ]]></code>
/// <para>
/// The answer must match the schema (strict structured output). -AsObject writes it parsed into a PSCustomObject with
/// the properties city and population.
/// </para>
/// </example>
/// <example title="JSON mode">
/// <code><![CDATA[
/// $rgb = Invoke-LlmChat 'The RGB values of red, as JSON with the keys r, g and b.' -ResponseFormat Json -AsObject
/// $rgb.r
/// ]]></code>
/// <para>
/// -ResponseFormat Json asks for any JSON object; OpenAI requires the word JSON in the messages. -AsObject writes the
/// parsed object.
/// </para>
/// </example>
// ShouldProcess gates approval-required tools only, and ConfirmImpact High makes it ask before
// each of their calls by default (-Confirm:$false runs them without asking; -WhatIf never runs
// them and tells the model "not executed"). The chat itself is sent either way.
[Cmdlet(VerbsLifecycle.Invoke, "LlmChat", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ChatResponse), typeof(PSObject), ParameterSetName = new[] { DefaultSet })]
[OutputType(typeof(ChatToken), typeof(ChatResponse), ParameterSetName = new[] { StreamSet })]
[OutputType(typeof(LlmEvent), ParameterSetName = new[] { EventsSet })]
[OutputType(typeof(LlmChatJob))]
public sealed class InvokeLlmChatCommand : PSCmdlet, IDisposable
{
    private const string DefaultSet = "Response";
    private const string StreamSet = "Stream";
    private const string EventsSet = "AsEvents";
    private ChatInvocation? _host;
    // -Model on the command line; otherwise Model was bound from the piped object, if at all.
    private bool _modelGiven;

    /// <summary>
    /// <para>
    /// The user message. One chat runs for each pipeline input object. Strings bind by value; objects with a Prompt
    /// property bind by property name.
    /// </para>
    /// <para>
    /// An empty or white-space prompt binds but fails that chat with the error id LlmEmptyPrompt (category
    /// InvalidArgument).
    /// </para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Prompt { get; set; } = string.Empty;

    /// <summary>
    /// A system message sent before the prompt, for example 'Answer in one word.'. With -Session it is sent instead of
    /// the session's system message, for this chat only.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SystemPrompt")]
    public string? System { get; set; }

    /// <summary>
    /// The client (endpoint, key, default model, client callbacks) to use, as created by New-LlmClient. With -Session
    /// it overrides the session's client for this chat.
    /// </summary>
    /// <value>The session's client, else New-LlmClient -Default, else a client from OPENAI_API_KEY, OPENAI_BASE_URL and PSLLM_MODEL</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public LlmClient? Client { get; set; }

    /// <summary>
    /// <para>
    /// The model for this chat, overriding the client's model. For Azure OpenAI, the deployment name. An unknown model
    /// usually fails with the error id LlmModelNotFound (HTTP 404). Tab completes the models of the client's endpoint
    /// (Get-LlmModel).
    /// </para>
    /// <para>
    /// Piped objects with a Model property choose the model for their chat, such as a column of an Import-Csv row.
    /// A piped ChatResponse does not: its Model is the name the server reported (a dated snapshot, or the model behind
    /// an Azure OpenAI deployment), which must not redirect the next chat; its session's model applies. A -Model given
    /// on the command line applies to every piped object.
    /// </para>
    /// </summary>
    /// <value>The session's Model, else the client's Model</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>
    /// The sampling temperature, from 0 to 2. Lower values make the answer more deterministic. When omitted, nothing is
    /// sent and the server's default applies.
    /// </summary>
    /// <value>None (the server's default)</value>
    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double Temperature { get; set; }

    /// <summary>
    /// Nucleus sampling: only the tokens that make up this probability mass are considered, from 0 to 1. When omitted,
    /// the server's default applies.
    /// </summary>
    /// <value>None (the server's default)</value>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double TopP { get; set; }

    /// <summary>
    /// The largest number of tokens the answer may have, 1 or more. An answer cut off by it has the FinishReason
    /// "length".
    /// </summary>
    /// <value>None (the server's default)</value>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxTokens { get; set; }

    /// <summary>
    /// One to four stop sequences, none of them empty. The server stops generating when the answer would contain one of
    /// them; the sequence itself is not part of the answer.
    /// </summary>
    [Parameter]
    [ValidateCount(1, 4)]
    [ValidateNotNullOrEmpty]
    public string[]? Stop { get; set; }

    /// <summary>
    /// A seed for sampling. Servers that support it try to give the same answer for the same request and seed.
    /// </summary>
    [Parameter]
    public long Seed { get; set; }

    /// <summary>
    /// <para>
    /// Streams the answer and writes each piece as a PsLlm.ChatToken (Text, Index, RunId, Elapsed) as soon as it
    /// arrives. The token's string form is its text, so piping to Write-Host -NoNewline prints the answer live. The
    /// complete response is not written unless -PassThru is given; it is also on the LlmEnd event.
    /// </para>
    /// <para>Stopping the pipeline early, for example with Select-Object -First, ends the chat.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
    public SwitchParameter Stream { get; set; }

    /// <summary>With -Stream, also writes the complete PsLlm.ChatResponse after the last token.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// With -Stream, also writes the model's reasoning as PsLlm.ChatToken objects whose Kind is Reasoning (before the
    /// answer's tokens, whose Kind is Text). Without it, -Stream writes only the answer. Servers send reasoning as
    /// reasoning_content (DeepSeek, llama.cpp, LM Studio), reasoning (Ollama, vLLM, Groq, OpenRouter) or thinking parts
    /// (Mistral Magistral); the whole reasoning is also on the response's Reasoning property, never part of its Text
    /// nor of a session's history.
    /// </summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter IncludeReasoning { get; set; }

    /// <summary>
    /// Streams the answer and writes every callback event object of the run, in order, instead of the answer:
    /// PsLlm.ChainStartEvent, PsLlm.TextEvent, PsLlm.ChatModelStartEvent, PsLlm.RetryEvent, PsLlm.LlmNewTokenEvent,
    /// PsLlm.LlmEndEvent, PsLlm.ChainEndEvent, or PsLlm.LlmErrorEvent and PsLlm.ChainErrorEvent on failure, and with
    /// -Tool PsLlm.AgentActionEvent, PsLlm.ToolStartEvent, PsLlm.ToolEndEvent, PsLlm.ToolErrorEvent and
    /// PsLlm.AgentFinishEvent. All derive from PsLlm.LlmEvent and have EventName, RunId, ParentRunId, Tags, Metadata,
    /// Timestamp and Summary. Events of runs nested under this one are written too.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = EventsSet)]
    public SwitchParameter AsEvents { get; set; }

    /// <summary>
    /// <para>
    /// Request-scoped callback handlers: they fire for this run and for every run nested under it (for example a chat
    /// started from inside a callback), whatever client that nested run uses. Each item is a scriptblock (called for
    /// every event, with the event as $_ and $args[0]), an object deriving from PsLlm.CallbackHandler, or a hashtable
    /// of event name = scriptblock such as @{ LlmNewToken = { ... }; LlmEnd = { ... } }.
    /// </para>
    /// <para>
    /// Handlers run on the pipeline thread in event order; their output is discarded. A handler that throws is reported
    /// as a warning and the chat goes on, unless the handler object's RaiseError property is $true: then the chat stops
    /// with the error id LlmCallbackFailed.
    /// </para>
    /// </summary>
    [Parameter]
    public object[]? Callback { get; set; }

    /// <summary>
    /// Tags for this run. They are added to the Tags property of every event of the run and of the runs nested under
    /// it, so handlers can tell runs apart.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Tags")]
    public string[]? Tag { get; set; }

    /// <summary>
    /// Metadata for this run, as a hashtable. It is in the Metadata property of every event of the run and of the runs
    /// nested under it (nested runs can add keys). It is not sent to the server.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Hashtable? Metadata { get; set; }

    /// <summary>
    /// <para>
    /// The conversation to continue, as made by New-LlmChatSession, Import-LlmChatSession or Start-LlmChat -PassThru.
    /// Its system message and history (trimmed to its MaxHistory and MaxTokens) are sent before the prompt, and the
    /// whole turn is appended to it when the chat succeeds; a failed or stopped turn leaves it unchanged. Its Client
    /// and Model apply unless -Client or -Model is given.
    /// </para>
    /// <para>
    /// It binds by property name, so a piped ChatResponse of a session chat continues that session: $r | Invoke-LlmChat
    /// 'next'. Piped prompts with one -Session run one after the other as consecutive turns.
    /// </para>
    /// </summary>
    /// <value>None (a single chat without history)</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ChatSession? Session { get; set; }

    /// <summary>
    /// <para>
    /// Files and images to send with the prompt: paths (relative to the current location; Get-ChildItem output binds
    /// by its FullName, one chat per file) or image URLs. A PNG, JPEG, GIF or WebP file, recognized by its content, goes
    /// as an image part (embedded as a data URI, at most 20 MB); a text file as a text part with its name; an http(s)
    /// URL as an image the server fetches itself. The model must accept images (gpt-4o-mini, llava, …) for image parts.
    /// </para>
    /// <para>
    /// Checked before anything is sent: LlmAttachmentNotFound for a missing file, LlmAttachmentTooLarge over the size
    /// limits (20 MB an image, 2 MB of text), LlmAttachmentNotSupported for other binary files. With -Session the
    /// attachments stay with the prompt in the history (and in Export-LlmChatSession's file, images embedded).
    /// </para>
    /// </summary>
    /// <value>None</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Attachment { get; set; }

    /// <summary>
    /// A response to follow up, usually piped: $r | Invoke-LlmChat 'Why?'. Its session, if it has one, continues
    /// (-Session binds it by property name); its Model, the name the server reported, does not choose the model of
    /// the next chat, while the Model of any other piped object does.
    /// </summary>
    /// <value>None</value>
    [Parameter(ValueFromPipeline = true)]
    public ChatResponse? Response { get; set; }

    /// <summary>
    /// <para>
    /// The tools the model may call, made with New-LlmTool. Only these can run. Each call is checked against the tool's
    /// schema and run on the pipeline thread, its output goes back to the model, and the model is called again until it
    /// answers without tools (at most -MaxToolRounds rounds). Tool names must differ (LlmDuplicateToolName).
    /// </para>
    /// <para>Tools that require approval run only when ShouldProcess approves (see -WhatIf and -Confirm).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public LlmTool[]? Tool { get; set; }

    /// <summary>
    /// <para>
    /// Whether and which tool the model must call: auto (the model decides; the default), none (no tool), required (at
    /// least one tool), or the name of one of the tools given with -Tool (that tool). Needs -Tool
    /// (LlmToolChoiceWithoutTools); another value fails with LlmUnknownToolChoice. Write the keywords in lower case (or
    /// Auto, None, Required); tab completion offers them and the names of the tools on the command line.
    /// </para>
    /// <para>
    /// The choice applies to every round of the chat, so with required or a tool name the model is asked to call a tool
    /// each time, until -MaxToolRounds is exceeded.
    /// </para>
    /// </summary>
    /// <value>None (the server's default, auto)</value>
    [Parameter]
    [ArgumentCompleter(typeof(ToolChoiceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ToolChoice { get; set; }

    /// <summary>
    /// How many rounds of tool calls are allowed, from 1 to 100. A round is one model answer that asks for tools, with
    /// all the calls in it. When the model asks for tools once more after that, the chat fails with
    /// LlmMaxToolRoundsExceeded (category LimitsExceeded); the transcript so far is on
    /// $err.Exception.PartialResponse.Transcript.
    /// </summary>
    /// <value>8</value>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxToolRounds { get; set; } = 8;

    /// <summary>
    /// <para>
    /// Structured output: the answer must be JSON matching this schema. A hashtable (use [ordered] to keep the order of
    /// properties) is converted with ConvertTo-Json; a string is sent as it is. The schema is sent with strict: true,
    /// so it must follow OpenAI's strict rules: "additionalProperties": false and every property listed in "required"
    /// for each object.
    /// </para>
    /// <para>
    /// The parsed answer is in the response's Object property; -AsObject writes it instead of the response. Another
    /// value type fails with LlmInvalidJsonSchema. When both are given, -JsonSchema wins over -ResponseFormat.
    /// </para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? JsonSchema { get; set; }

    /// <summary>
    /// The name of the -JsonSchema schema as the model sees it: 1 to 64 letters, digits, _ and -. Used only with
    /// -JsonSchema.
    /// </summary>
    /// <value>response</value>
    [Parameter]
    [ValidatePattern("^[a-zA-Z0-9_-]{1,64}$")]
    public string SchemaName { get; set; } = "response";

    /// <summary>
    /// Json: JSON mode, the answer must be a JSON object (any shape); the parsed answer is in the response's Object
    /// property and -AsObject writes it. OpenAI requires the word JSON in the messages for JSON mode, for example in
    /// -System. Text: free text, the same as omitting the parameter.
    /// </summary>
    /// <value>Text</value>
    [Parameter]
    [ValidateSet("Text", "Json")]
    public string? ResponseFormat { get; set; }

    /// <summary>
    /// <para>
    /// Writes the answer parsed from JSON (a PSCustomObject, or an array written as one object) instead of the
    /// ChatResponse. Use it with -JsonSchema or -ResponseFormat Json; without them there is nothing to parse and $null
    /// is written.
    /// </para>
    /// <para>
    /// Not available with -Stream and -AsEvents; there, the parsed answer is the Object property of the complete
    /// response (-Stream -PassThru, or the LlmEnd event).
    /// </para>
    /// </summary>
    [Parameter(ParameterSetName = DefaultSet)]
    public SwitchParameter AsObject { get; set; }

    /// <summary>
    /// <para>
    /// How many chats of the pipeline run at once, from 1 to 256. With more than 1, the requests of piped inputs
    /// overlap (over the same client and its one rate limit), while every event, callback and tool call still runs in
    /// this PowerShell session, one at a time and in order within each chat. Results come as chats end (-Ordered: in
    /// input order); each carries its input (Prompt, InputObject), and each failure is a non-terminating error whose
    /// TargetObject is the input. Chats of one session run one after another.
    /// </para>
    /// <para>
    /// -Stream needs -ThrottleLimit 1 (tokens of several answers would interleave): with more, use -AsEvents, whose
    /// events carry their RunId. Ctrl+C stops every chat: what finished was written, the rest go to $Error (LlmCancelled
    /// with the partial answer, LlmNotStarted), each with its input.
    /// </para>
    /// </summary>
    /// <value>1 (one chat after another)</value>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>With -ThrottleLimit above 1, writes the results in the order of the inputs instead of as the chats end.</summary>
    [Parameter]
    public SwitchParameter Ordered { get; set; }

    /// <summary>
    /// The object piped in (a string, a CSV row, a file, a response). Its properties bind to -Prompt, -Model,
    /// -Attachment and the other parameters by name; the object itself is kept on the response (InputObject) and on the
    /// error of a failed chat (TargetObject), to match results to inputs. Given on the command line, it only sets that.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// <para>
    /// Runs the command as a background job instead, and writes the job (a PsLlm.LlmChatJob) at once, after the piped
    /// input is collected. The job runs the same chats, with the same parameters and piped objects, in a runspace of
    /// its own: Get-Job lists it, Receive-Job takes its results as they come (-Wait to wait for all), Stop-Job stops it
    /// as Ctrl+C would (stopped chats go to its Error stream with their partial answers), Remove-Job releases it.
    /// </para>
    /// <para>
    /// The job uses this session's default client and registered callbacks, and its chats raise PsLlm.&lt;EventName&gt;
    /// engine events in this session, so Register-EngineEvent actions here see them. -Callback scriptblocks run in the
    /// job's runspace (re-created there, as for ForEach-Object -Parallel: they do not see this session's variables).
    /// </para>
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    private Hashtable? _jobParameters;
    private List<PSObject>? _jobInput;

    /// <summary>One invocation (its pump, warnings and Ctrl+C token) serves every chat of the pipeline.</summary>
    protected override void BeginProcessing()
    {
        if (AsJob)
        {
            if (ThrottleLimit > 1 && Stream && !AsEvents) ThrottleTerminatingError();
            // The command line's parameters (piped ones bind again in the job, per object).
            _jobParameters = new Hashtable(MyInvocation.BoundParameters, StringComparer.OrdinalIgnoreCase);
            _jobParameters.Remove(nameof(AsJob));
            _jobInput = new List<PSObject>();
            return;
        }
        _host = new ChatInvocation(this);
        _modelGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Model));
        if (ThrottleLimit > 1 && Stream && !AsEvents)
            ThrottleTerminatingError();
    }

    private void ThrottleTerminatingError() => ThrowTerminatingError(LlmErrorRecords.From(
        new LlmException(LlmErrorKind.InvalidInput, "LlmStreamWithThrottleLimit",
            "-Stream writes one answer's tokens as they come, so it runs one chat at a time. With -ThrottleLimit above 1, use -AsEvents (each event carries its RunId), or leave out -Stream.")
        { ParameterName = nameof(ThrottleLimit) }, ThrottleLimit));

    /// <summary>One chat per input object: now, or added to those running at once (-ThrottleLimit).</summary>
    protected override void ProcessRecord()
    {
        if (AsJob)
        {
            if (MyInvocation.ExpectingInput && InputObject is not null) _jobInput!.Add(InputObject);
            return;
        }
        var parameters = new ChatParameters
        {
            Prompt = Prompt,
            // A piped string or file is itself; a PSCustomObject (a CSV row) only exists as its PSObject.
            InputObject = InputObject is { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : InputObject,
            Attachment = Attachment,
            System = System,
            Client = Client,
            Model = Response is not null && !_modelGiven ? null : Model,
            Temperature = Bound(nameof(Temperature)) ? Temperature : null,
            TopP = Bound(nameof(TopP)) ? TopP : null,
            MaxTokens = Bound(nameof(MaxTokens)) ? MaxTokens : null,
            Stop = Stop,
            Seed = Bound(nameof(Seed)) ? Seed : null,
            Stream = Stream,
            IncludeReasoning = IncludeReasoning,
            AsEvents = AsEvents,
            Callback = Callback,
            Tag = Tag,
            Metadata = Metadata,
            Session = Session,
            Tool = Tool,
            ToolChoice = ToolChoice,
            MaxToolRounds = MaxToolRounds,
            JsonSchema = JsonSchema,
            SchemaName = SchemaName,
            JsonMode = string.Equals(ResponseFormat, "Json", StringComparison.OrdinalIgnoreCase),
            ShowProgress = MyInvocation.ExpectingInput && !Stream,
        };
        if (ThrottleLimit > 1)
        {
            _host!.Add(parameters, ThrottleLimit, Ordered, Write);
            return;
        }
        if (_host!.Run(parameters) is { } response) Write(response);
    }

    /// <summary>Waits for the chats still running at once (-ThrottleLimit), writing their results.</summary>
    protected override void EndProcessing()
    {
        if (AsJob)
        {
            var job = LlmChatJob.Start(this, _jobParameters!, _jobInput!);
            JobRepository.Add(job);
            WriteObject(job);
            return;
        }
        if (ThrottleLimit > 1) _host!.Complete(Write);
        _host!.EndProgress();
        _host!.FinishCallbacks();
    }

    private void Write(ChatResponse response)
    {
        if (AsObject) WriteObject(response.Object, enumerateCollection: false);
        else if (!Stream && !AsEvents || PassThru) WriteObject(response);
    }

    /// <summary>Ctrl+C: called on another thread, so it only signals the running chat.</summary>
    protected override void StopProcessing() => _host?.Stop();

    private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    /// <summary>Releases the event pump and the Ctrl+C token.</summary>
    public void Dispose() => _host?.Dispose();
}
