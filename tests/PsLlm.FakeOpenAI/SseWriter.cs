using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PsLlm.FakeOpenAI;

/// <summary>Writes server-sent events, flushing each frame so clients see tokens as they "arrive".</summary>
internal sealed class SseWriter(HttpContext context)
{
    private readonly HttpResponse _response = context.Response;

    /// <summary>Sends status and headers right away, so time-to-first-token delays happen after the
    /// response has started, as with a real model.</summary>
    public async Task StartAsync(int status, string contentType, CancellationToken cancellationToken)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        _response.StatusCode = status;
        _response.ContentType = contentType;
        _response.Headers.CacheControl = "no-cache";
        await _response.StartAsync(cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }

    public Task WriteDataAsync(string data, CancellationToken cancellationToken) =>
        WriteFrameAsync($"data: {data}\n\n", cancellationToken);

    /// <summary>Writes a frame exactly as given (recorded frames already carry their "data: " and blank line).</summary>
    public async Task WriteFrameAsync(string frame, CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
