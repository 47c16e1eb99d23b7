using System.Net;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// A client behind a proxy (New-LlmClient -Proxy, -ProxyCredential, -NoProxy), through the fake
/// server's loopback proxy: requests go through it, credentials are given when it asks and never
/// shown, and a refusal is a clear error.
/// </summary>
public sealed class ProxyTests : FakeServerTestBase
{
    private const string User = "builder";
    private const string Password = "proxy-SECRET-pass-42";

    private LlmClient ProxiedClient(bool credentials) =>
        new(new Uri($"http://{FakeOpenAIServer.ProxiedHost}:{Server.Port}/v1"), ChatHarness.Secure(ChatHarness.ApiKey), "fake-model", maxRetries: 0)
        {
            Proxy = Server.Proxy().Uri,
            ProxyCredential = credentials ? new NetworkCredential(User, Password) : null,
        };

    [Fact]
    public void A_chat_goes_through_the_proxy_with_the_credentials_it_asks_for()
    {
        var proxy = Server.Proxy();
        proxy.RequireCredentials(User, Password);
        Server.Enqueue(new FakeReply { Text = "through" });
        var outcome = ChatHarness.Run(ProxiedClient(credentials: true), new ChatRequest { Prompt = "hi", Stream = true });
        Assert.Equal("through", outcome.Ok.Text);
        // .NET answers the proxy's 407 challenge with Basic credentials, then the request passes.
        var last = proxy.Requests[^1];
        Assert.Equal(("POST", $"http://{FakeOpenAIServer.ProxiedHost}:{Server.Port}/v1/chat/completions", true, true), (last.Method, last.Target, last.HadCredentials, last.Admitted));
        Assert.Single(Server.Requests);
    }

    [Fact]
    public void Without_credentials_the_proxys_refusal_is_a_clear_error()
    {
        Server.Proxy().RequireCredentials(User, Password);
        var outcome = ChatHarness.Run(ProxiedClient(credentials: false), new ChatRequest { Prompt = "hi" });
        var error = Assert.IsType<LlmException>(outcome.Error);
        Assert.Equal(("LlmProxyAuthenticationRequired", LlmErrorKind.Authentication, 407), (error.ErrorId, error.Kind, error.StatusCode!.Value));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void The_proxy_password_is_never_shown()
    {
        var proxy = Server.Proxy();
        proxy.RequireCredentials(User, "a-different-password");
        var client = ProxiedClient(credentials: true);
        var outcome = ChatHarness.Run(client, new ChatRequest { Prompt = "hi" });
        Assert.IsType<LlmException>(outcome.Error);
        Assert.True(client.HasProxyCredential);
        var shown = string.Join("\n", outcome.Error!.ToString(), client.ToString(), client.Proxy, string.Join(",", outcome.Log.Events.Select(e => e.ToString())));
        Assert.DoesNotContain(Password, shown);
        Assert.DoesNotContain(typeof(LlmClient).GetProperties(), p => p.PropertyType == typeof(NetworkCredential) && p.GetMethod!.IsPublic);
    }

    [Fact]
    public void A_proxy_url_loses_any_user_info_it_was_given() =>
        Assert.Equal("http://proxy.example.com:8080/", new LlmClient(new Uri("http://127.0.0.1:1/v1"), null, "m") { Proxy = new Uri("http://user:pw@proxy.example.com:8080") }.Proxy!.ToString());

    [Fact]
    public void NoProxy_goes_straight_to_the_server()
    {
        Server.Enqueue(new FakeReply { Text = "direct" });
        var client = new LlmClient(Server.BaseUri, ChatHarness.Secure(ChatHarness.ApiKey), "fake-model", maxRetries: 0) { NoProxy = true };
        Assert.Equal("direct", ChatHarness.Run(client, new ChatRequest { Prompt = "hi" }).Ok.Text);
        Assert.Empty(Server.Proxy().Requests);
    }

    [Fact]
    public void The_models_list_goes_through_the_proxy_too()
    {
        var proxy = Server.Proxy();
        Assert.Equal("fake-model", Assert.Single(ChatEngine.ListModels(ProxiedClient(credentials: false), CancellationToken.None)).Id);
        Assert.Equal(("GET", $"http://{FakeOpenAIServer.ProxiedHost}:{Server.Port}/v1/models"), (proxy.Requests[^1].Method, proxy.Requests[^1].Target));
    }
}
