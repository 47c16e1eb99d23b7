using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// Kestrel on 127.0.0.1, the one way the test servers start (the fake OpenAI server, the webhook
/// collector, the OTLP receiver). The empty builder reads no appsettings or environment, so a test
/// host's configuration cannot move the endpoint or turn on logging; the host never listens for
/// Ctrl+C, and stops within two seconds.
/// </summary>
public static class LoopbackHost
{
    /// <summary>Starts answering every request with <paramref name="handler"/>; <paramref name="port"/> 0 picks a free port.</summary>
    public static async Task<(WebApplication App, int Port)> StartAsync(RequestDelegate handler, HttpProtocols protocols = HttpProtocols.Http1, int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = protocols);
        });
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address).Port);
    }
}
