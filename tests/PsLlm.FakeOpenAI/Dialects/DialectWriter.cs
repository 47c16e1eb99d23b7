using System.Text;
using Microsoft.AspNetCore.Http;

namespace PsLlm.FakeOpenAI.Dialects;

/// <summary>Sends a dialect case's bytes exactly: its plain variant to a plain request, its stream variant to a streamed one.</summary>
internal static class DialectWriter
{
    public static async Task WriteAsync(HttpContext context, DialectCase dialect, bool stream, CancellationToken cancellationToken)
    {
        var wire = stream ? dialect.Stream : dialect.Plain;
        var bytes = wire.Prefix.Concat(Encoding.UTF8.GetBytes(wire.Body)).ToArray();
        var response = context.Response;
        response.StatusCode = wire.Status;
        response.ContentType = wire.ContentType;
        if (wire.PieceSize <= 0)
        {
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, cancellationToken);
            return;
        }
        // Piece by piece, each flushed and spaced out, so the client's reads end inside lines and characters.
        for (var offset = 0; offset < bytes.Length; offset += wire.PieceSize)
        {
            await response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(wire.PieceSize, bytes.Length - offset)), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            if (offset % (wire.PieceSize * 16) == 0) await Task.Delay(1, cancellationToken);
        }
    }
}
