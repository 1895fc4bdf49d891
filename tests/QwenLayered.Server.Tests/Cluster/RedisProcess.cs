using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace QwenLayered.Server.Tests.Cluster;

/// <summary>
/// Debian's <c>redis-server</c>, started for one test on a free loopback port with a data folder of its own and no
/// persistence, stopped and deleted afterwards. A test that needs it is skipped, saying so, where it is not installed
/// (.ci/run installs it).
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private static readonly Regex Ready = new("Ready to accept connections");

    private readonly RunningExecutable _process;
    private readonly string _folder;

    private RedisProcess(RunningExecutable process, string folder, int port) => (_process, _folder, Port) = (process, folder, port);

    public int Port { get; }

    /// <summary>host:port, as --redis takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public string Output => _process.Output;

    /// <param name="port">A port to take again (a restarted Redis); a free one when not given.</param>
    public static async Task<RedisProcess> StartAsync(int? port = null)
    {
        if (!File.Exists(Executable)) Assert.Skip($"{Executable} is not installed (apt-get install redis-server; .ci/run installs it).");
        int chosen = port ?? FreePort();
        string folder = Directory.CreateTempSubdirectory("qwenlayered-redis-").FullName;
        var process = RunningExecutable.Start(Executable,
            $"--port {chosen} --bind 127.0.0.1 --dir {folder} --save \"\" --appendonly no --daemonize no --loglevel notice");
        var redis = new RedisProcess(process, folder, chosen);
        try
        {
            await process.WaitForLineAsync(Ready);
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    // Asked of the system, then given to Redis, which takes no port 0; nothing else on this machine takes it between.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
