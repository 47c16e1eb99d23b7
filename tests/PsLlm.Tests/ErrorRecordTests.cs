using System.Management.Automation;
using PsLlm.FakeOpenAI;
using PsLlm.Invocation;

namespace PsLlm.Tests;

/// <summary>Failures as ErrorRecords: category, FullyQualifiedErrorId, recommended action, and the exception kept.</summary>
public sealed class ErrorRecordTests : ModuleTestBase
{
    // Names, not enum values: xunit reads the data before the module's assemblies can be resolved.
    [Theory]
    [InlineData("InvalidInput", ErrorCategory.InvalidArgument)]
    [InlineData("Authentication", ErrorCategory.AuthenticationError)]
    [InlineData("PermissionDenied", ErrorCategory.PermissionDenied)]
    [InlineData("NotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("RateLimited", ErrorCategory.LimitsExceeded)]
    [InlineData("BadRequest", ErrorCategory.InvalidArgument)]
    [InlineData("ServerError", ErrorCategory.ConnectionError)]
    [InlineData("Connection", ErrorCategory.ConnectionError)]
    [InlineData("Timeout", ErrorCategory.OperationTimeout)]
    [InlineData("CallbackFailed", ErrorCategory.OperationStopped)]
    [InlineData("Cancelled", ErrorCategory.OperationStopped)]
    [InlineData("InvalidResponse", ErrorCategory.InvalidResult)]
    [InlineData("ToolRoundsExceeded", ErrorCategory.LimitsExceeded)]
    public void Each_kind_has_its_category(string kind, ErrorCategory category)
    {
        var record = LlmErrorRecords.From(new LlmException(Enum.Parse<LlmErrorKind>(kind), "LlmSomething", "m"), "target");
        Assert.Equal(category, record.CategoryInfo.Category);
        Assert.Equal("LlmSomething", record.FullyQualifiedErrorId);
        Assert.Equal("target", record.TargetObject);
    }

    [Fact]
    public void A_session_file_that_cannot_be_read_is_invalid_data_and_the_advice_is_kept()
    {
        var record = LlmErrorRecords.From(
            new LlmException(LlmErrorKind.InvalidInput, "LlmSessionFileInvalid", "bad file") { RecommendedAction = "Export it again." }, null);
        Assert.Equal(ErrorCategory.InvalidData, record.CategoryInfo.Category);
        Assert.Equal("Export it again.", record.ErrorDetails.RecommendedAction);
        Assert.Equal("bad file", record.ErrorDetails.Message);
    }

    [Fact]
    public void A_rate_limited_chat_is_a_non_terminating_error_that_names_the_cmdlet()
    {
        Server.Enqueue(new FakeReply { Status = 429, ErrorMessage = "slow down", Headers = new() { ["Retry-After"] = "7" } });
        Server.Enqueue(new FakeReply { Text = "second" });
        var output = Session.Run("'first', 'second' | Invoke-LlmChat -Client $client | ForEach-Object Text");
        Assert.Equal("second", Assert.Single(output).BaseObject);
        var error = Assert.Single(Session.Streams.Error);
        Assert.Equal("LlmRateLimited,PsLlm.Commands.InvokeLlmChatCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Equal("first", error.TargetObject);
        var exception = Assert.IsType<LlmException>(error.Exception);
        Assert.Equal(TimeSpan.FromSeconds(7), exception.RetryAfter);
        Assert.Equal(429, exception.StatusCode);
    }

    [Fact]
    public void What_streamed_before_a_failure_stays_on_the_error()
    {
        Server.Enqueue(new FakeReply { Tokens = ["kept ", "text ", "lost"], DisconnectAfterTokens = 2 });
        var output = Session.Run("Invoke-LlmChat 'x' -Client $client -Stream");
        Assert.Equal(2, output.Count);
        var error = Assert.Single(Session.Streams.Error);
        Assert.Equal("kept text ", Assert.IsType<LlmException>(error.Exception).PartialText);
    }
}
