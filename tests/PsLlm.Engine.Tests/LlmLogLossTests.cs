using Microsoft.Data.Sqlite;
using PsLlm.Engine.Chat;
using PsLlm.Engine.Observability.Logging;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The SQLite log never loses runs silently: a database deleted or replaced while it logs is
/// noticed before each write, and those runs count as failed, not written.
/// </summary>
public sealed class LlmLogLossTests : FakeServerTestBase, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempLogFile _log = new();

    public void Dispose() => _log.Dispose();

    private void Chat(SqliteLogHandler handler)
    {
        Server.Enqueue(new FakeReply { Text = "ok" });
        ChatHarness.Run(ChatHarness.Client(Server), new ChatRequest { Prompt = "x" }, local: [handler]).Ok.ToString();
        handler.Flush(Patience);
    }

    private static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
    }

    [Fact]
    public void A_database_deleted_while_logging_fails_its_runs_instead_of_losing_them_unseen()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Chat(handler);
        var written = handler.Written;
        Assert.True(written > 0);

        DeleteDatabase(_log.Path);
        Chat(handler);

        Assert.Equal(written, handler.Written);
        Assert.True(handler.Failed > 0);
        Assert.Contains("deleted", handler.LastError);
        Assert.Equal(handler.Failed, handler.TakeUnreportedLosses());
        Assert.Equal(0, handler.TakeUnreportedLosses());
    }

    [Fact]
    public void A_database_replaced_while_logging_is_not_written_into()
    {
        using var handler = new SqliteLogHandler(_log.Path);
        Chat(handler);
        var written = handler.Written;

        // Another log database put in its place (a restore, another Enable-LlmLog after a delete).
        DeleteDatabase(_log.Path);
        using (LlmLogDatabase.Open(_log.Path)) { }
        Chat(handler);

        Assert.Equal(written, handler.Written);
        Assert.Contains("replaced", handler.LastError);
        using var other = LlmLogDatabase.Open(_log.Path);
        using var count = other.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM runs;";
        Assert.Equal(0L, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public void Two_handlers_on_one_file_share_its_identity()
    {
        using var first = new SqliteLogHandler(_log.Path);
        using var second = new SqliteLogHandler(_log.Path);
        Chat(first);
        Chat(second);
        Assert.Equal(0, first.Failed + second.Failed);
    }

    [Fact]
    public void A_search_with_no_word_is_an_error_not_a_search_for_everything()
    {
        var error = Assert.Throws<LlmException>(() => FtsQuery.From("\""));
        Assert.Equal("LlmInvalidSearch", error.ErrorId);
        Assert.Throws<LlmException>(() => FtsQuery.From("( ) -"));
        Assert.Equal("\"owl\"", FtsQuery.From("\" owl"));
    }
}
