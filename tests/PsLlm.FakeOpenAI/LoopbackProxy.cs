using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PsLlm.FakeOpenAI;

/// <summary>
/// An HTTP proxy on 127.0.0.1 for tests of clients behind one: it forwards absolute-form requests
/// (<c>GET http://host:port/path</c>, how a client sends http requests to a proxy) and tunnels
/// CONNECT (how it reaches https servers), asks for Basic credentials with 407 when it is given
/// some, and keeps a line per request. Host names the proxy is told about resolve to the fake
/// server, as a corporate proxy resolves names its clients cannot: .NET never sends loopback
/// addresses through a proxy, so tests name the server by such a host.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, int> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ProxiedRequest> _requests = [];
    private readonly Task _accepting;
    private string? _expectedAuthorization;

    private LoopbackProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>http://127.0.0.1:&lt;port&gt;, what a client takes as its proxy.</summary>
    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The requests seen, oldest first.</summary>
    public IReadOnlyList<ProxiedRequest> Requests { get { lock (_requests) return _requests.ToArray(); } }

    public static LoopbackProxy Start() => new();

    /// <summary>Requests for <paramref name="host"/> go to 127.0.0.1:<paramref name="port"/>.</summary>
    public void Route(string host, int port)
    {
        lock (_hosts) _hosts[host] = port;
    }

    /// <summary>From now on, only requests with these Basic credentials pass; null lets every request pass.</summary>
    public void RequireCredentials(string? user, string? password) =>
        _expectedAuthorization = user is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>Forgets the requests seen and the credentials asked for.</summary>
    public void Reset()
    {
        lock (_requests) _requests.Clear();
        _expectedAuthorization = null;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var downstream = client.GetStream();
                var head = await ReadHeadAsync(downstream);
                if (head is null) return;
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                if (parts.Length < 3) return;
                var (method, target) = (parts[0], parts[1]);
                var headers = lines.Skip(1).Where(l => l.Contains(':')).Select(l => (Name: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList();
                var authorization = headers.FirstOrDefault(h => h.Name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)).Value;
                var admitted = _expectedAuthorization is null || authorization == _expectedAuthorization;
                lock (_requests) _requests.Add(new ProxiedRequest(method, target, authorization is not null, admitted));
                if (!admitted)
                {
                    await WriteAsync(downstream, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"psllm-tests\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }

                if (method == "CONNECT")
                {
                    var (host, port) = SplitHostPort(target, 443);
                    using var upstream = new TcpClient();
                    await upstream.ConnectAsync(IPAddress.Loopback, Resolve(host, port));
                    await WriteAsync(downstream, "HTTP/1.1 200 Connection Established\r\n\r\n");
                    await RelayAsync(downstream, upstream.GetStream());
                    return;
                }

                var uri = new Uri(target);
                using (var upstream = new TcpClient())
                {
                    await upstream.ConnectAsync(IPAddress.Loopback, Resolve(uri.Host, uri.Port));
                    var request = new StringBuilder($"{method} {uri.PathAndQuery} {parts[2]}\r\n");
                    foreach (var (name, value) in headers)
                        if (!name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                            request.Append(name).Append(": ").Append(value).Append("\r\n");
                    // One request per connection keeps the log complete: the client opens another for the next.
                    request.Append("Connection: close\r\n\r\n");
                    var stream = upstream.GetStream();
                    await WriteAsync(stream, request.ToString());
                    await RelayAsync(downstream, stream);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or UriFormatException)
            {
                // A client or server that went away ends the exchange.
            }
        }
    }

    private int Resolve(string host, int port)
    {
        lock (_hosts) return _hosts.TryGetValue(host, out var routed) ? routed : port;
    }

    /// <summary>Copies both ways until either side closes (the request's body first, then the answer).</summary>
    private static async Task RelayAsync(NetworkStream downstream, NetworkStream upstream)
    {
        var up = downstream.CopyToAsync(upstream);
        var down = upstream.CopyToAsync(downstream);
        await Task.WhenAny(up, down);
        await down.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>The request line and headers, up to the blank line, read a byte at a time so no body byte is taken.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 65536)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, bytes.Count - 4);
        }
        return null;
    }

    private static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private static (string Host, int Port) SplitHostPort(string target, int defaultPort)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 && int.TryParse(target[(colon + 1)..], out var port) ? (target[..colon], port) : (target, defaultPort);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

/// <summary>One request the proxy saw: its method and target, whether it carried credentials, and whether they were right.</summary>
public sealed record ProxiedRequest(string Method, string Target, bool HadCredentials, bool Admitted);
