using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace PsLlm.Tests;

/// <summary>
/// Start-LlmMcpServer as any MCP client meets it: the MCP SDK's own client starts
/// <c>pwsh -Command "Import-Module PsLlm; Start-LlmMcpServer …"</c> (the repository's pwsh tool),
/// lists the tools, calls them, and disconnects; the process must then end by itself.
/// </summary>
public sealed class McpServerTests
{
    private static string Serve(string tools, string extra = "") =>
        $"$ErrorActionPreference = 'Stop'; Import-Module '{ModuleLayout.Manifest}'; " +
        $"Start-LlmMcpServer -Tool ({tools}) {extra}";

    private static async Task<(McpClient Client, StdioClientTransport Transport, List<string> Errors)> StartAsync(string command)
    {
        var errors = new List<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            // The repository's PowerShell tool, as the README's commands use it.
            Command = "dotnet",
            Arguments = ["pwsh", "-NoProfile", "-NonInteractive", "-Command", command],
            WorkingDirectory = ModuleLayout.RepositoryRoot,
            Name = "psllm",
            StandardErrorLines = line => { lock (errors) errors.Add(line); },
        });
        var client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = TimeSpan.FromSeconds(60) });
        return (client, transport, errors);
    }

    [Fact]
    public async Task ServesCommandAndScriptBlockToolsToTheSdksClient()
    {
        var (client, _, errors) = await StartAsync(Serve(
            "(New-LlmTool -Command Get-Date), (New-LlmTool -Name add -Description 'Adds two integers' -ScriptBlock { param([int] $a, [int] $b) Write-Host 'to stderr'; Write-Warning 'careful'; $a + $b }), " +
            "(New-LlmTool -Name fail -Description 'Fails' -ScriptBlock { throw 'it broke' })", "-Name psllm-tests"));
        await using (client)
        {
            Assert.Equal("psllm-tests", client.ServerInfo?.Name);
            var tools = await client.ListToolsAsync();
            Assert.Equal(new[] { "Get-Date", "add", "fail" }, tools.Select(t => t.Name));
            var add = tools.Single(t => t.Name == "add").ProtocolTool!;
            Assert.Equal("Adds two integers", add.Description);
            Assert.Equal("integer", add.InputSchema.GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
            Assert.True(add.Annotations?.ReadOnlyHint);
            Assert.False(add.Annotations?.DestructiveHint);

            var sum = await client.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 });
            Assert.NotEqual(true, sum.IsError);
            Assert.Equal("42", Assert.IsType<TextContentBlock>(Assert.Single(sum.Content)).Text);

            var date = await client.CallToolAsync("Get-Date", new Dictionary<string, object?> { ["Year"] = 2020, ["Month"] = 1, ["Day"] = 2, ["Format"] = "yyyy-MM-dd" });
            Assert.Equal("2020-01-02", ((TextContentBlock)date.Content[0]).Text);

            // Checked against the schema before anything runs, and a thrown error: isError results.
            var bad = await client.CallToolAsync("add", new Dictionary<string, object?> { ["a"] = "two" });
            Assert.True(bad.IsError);
            Assert.Contains("arguments.a must be integer", ((TextContentBlock)bad.Content[0]).Text);
            var failed = await client.CallToolAsync("fail", new Dictionary<string, object?>());
            Assert.True(failed.IsError);
            Assert.Contains("it broke", ((TextContentBlock)failed.Content[0]).Text);
        }
        // What PowerShell printed went to standard error, leaving standard output to the protocol.
        lock (errors)
        {
            Assert.Contains(errors, e => e.Contains("to stderr"));
            Assert.Contains(errors, e => e.Contains("careful"));
        }
    }

    [Fact]
    public async Task ReturnsWhenTheClientDisconnects()
    {
        // Written only if Start-LlmMcpServer returns by itself: a killed process writes nothing.
        var mark = Path.Combine(Path.GetTempPath(), $"psllm-mcp-{Guid.NewGuid():N}.txt");
        var (client, _, _) = await StartAsync(Serve("New-LlmTool -Command Get-Date") + $"; Set-Content -Path '{mark}' -Value returned");
        Assert.Single(await client.ListToolsAsync());
        await client.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(mark) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(File.Exists(mark), "Start-LlmMcpServer returned when its input ended");
        Assert.Equal("returned", File.ReadAllText(mark).Trim());
        File.Delete(mark);
    }

    [Fact]
    public async Task ApprovalGatedToolsAreServedOnlyWithAllowApprovalAndAnnouncedAsDestructive()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(Serve("New-LlmTool -Name wipe -Description 'Wipes' -ScriptBlock { 'wiped' } -RequireApproval")));
        Assert.NotNull(refused);

        var (client, _, _) = await StartAsync(Serve("New-LlmTool -Name wipe -Description 'Wipes' -ScriptBlock { 'wiped' } -RequireApproval", "-AllowApproval"));
        await using (client)
        {
            var wipe = Assert.Single(await client.ListToolsAsync()).ProtocolTool;
            Assert.True(wipe.Annotations?.DestructiveHint);
            Assert.False(wipe.Annotations?.ReadOnlyHint);
            var result = await client.CallToolAsync("wipe", new Dictionary<string, object?>());
            Assert.Equal("wiped", ((TextContentBlock)result.Content[0]).Text);
        }
    }
}
