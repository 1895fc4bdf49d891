using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Runtime;
using QwenLayered.Server.Hosting;
using QwenLayered.Toolbox.RandomModels;
using QwenLayered.Tools.ServerLoadCheck;

// Usage: ServerLoadCheck [artists=6] [jobsPerArtist=10] [seconds=120] [steps=8] [layers=2] [queueCapacity=12] [inFlightPerArtist=3] [servers=1]
// Starts the real server on loopback ports serving a freshly written tiny random model (64x64 working size, CPU);
// every artist submits its jobs keeping up to inFlightPerArtist open at once; reports throughput, time to first
// progress and preview, and outcomes. With servers above 1, that many servers run in this process on one Redis that
// the check starts (Debian's /usr/bin/redis-server, no persistence), artist n submitting through server n mod servers.
// Jobs still open when the time is up are cancelled and counted as such; a job is "lost" if its stream ended
// without an outcome or with any error other than a clean RESOURCE_EXHAUSTED refusal.

// The server's allocator, as the qwenlayered program sets it first (see GlibcMalloc).
GlibcMalloc.Apply();
int[] numbers = [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))];
int At(int index, int fallback) => index < numbers.Length ? numbers[index] : fallback;
var load = new LoadSettings(At(0, 6), At(1, 10), TimeSpan.FromSeconds(At(2, 120)), At(3, 8), At(4, 2), At(5, 12), At(6, 3), At(7, 1));

string modelFolder = Directory.CreateTempSubdirectory("qwenlayered-loadcheck-model-").FullName;
string resultsFolder = Directory.CreateTempSubdirectory("qwenlayered-loadcheck-results-").FullName;
Process? redis = null;
var apps = new List<WebApplication>();
try
{
    RandomModelFolder.Write(modelFolder, RandomModelConfigs.Tiny(Path.Combine(DemoModel.Resolve(null), "tokenizer")), seed: 1);
    string? redisAddress = null;
    if (load.Servers > 1) (redis, redisAddress) = await StartRedisAsync(resultsFolder);
    var clients = new List<Decomposer.DecomposerClient>();
    for (int server = 0; server < load.Servers; server++)
    {
        int grpcPort = FreePort(), httpPort = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Server:GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["Server:HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["Engine:Model"] = modelFolder, ["Engine:Device"] = "cpu", ["Engine:Dtype"] = "fp32", ["Engine:WorkingArea"] = "4096",
            ["Jobs:QueueCapacity"] = load.QueueCapacity.ToString(CultureInfo.InvariantCulture),
            // What this check varies is the artists' own limit (inFlightPerArtist), not the server's share per artist.
            ["Jobs:MaxQueuedPerArtist"] = load.QueueCapacity.ToString(CultureInfo.InvariantCulture),
            ["Jobs:ResultsFolder"] = resultsFolder,
            ["Cluster:Redis"] = redisAddress,
            ["Logging:LogLevel:Default"] = "Error",
        };
        for (int a = 0; a < load.Artists; a++)
        {
            settings[$"Auth:Tokens:{a}:Token"] = $"token-{a}";
            settings[$"Auth:Tokens:{a}:Artist"] = $"artist-{a}";
        }
        var app = ServerApp.Build([], settings);
        apps.Add(app);
        await app.StartAsync();
        var client = new Decomposer.DecomposerClient(GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}"));
        while (!(await client.GetServerInfoAsync(new GetServerInfoRequest(), new Metadata { { "authorization", "Bearer token-0" } })).Model.Loaded)
            await Task.Delay(100);
        clients.Add(client);
    }

    using var deadline = new CancellationTokenSource(load.Duration);
    var clock = Stopwatch.StartNew();
    var simulation = new ArtistSimulation(clients, load, ImagePng());
    var outcomes = (await Task.WhenAll(Enumerable.Range(0, load.Artists).Select(a => simulation.RunArtistAsync(a, deadline.Token))))
        .SelectMany(o => o).ToList();
    var wall = clock.Elapsed;
    foreach (var app in apps) await app.StopAsync();

    Report.Print(load, outcomes, wall);
    return outcomes.Any(o => o.Outcome.StartsWith("lost", StringComparison.Ordinal)) ? 1 : 0;
}
finally
{
    foreach (var app in apps) await app.DisposeAsync();
    if (redis is not null)
    {
        redis.Kill();
        await redis.WaitForExitAsync();
    }
    Directory.Delete(modelFolder, recursive: true);
    Directory.Delete(resultsFolder, recursive: true);
}

// A Redis of the check's own on a free loopback port, its files in the check's temporary folder; ready once it says so.
static async Task<(Process Process, string Address)> StartRedisAsync(string folder)
{
    int port = FreePort();
    var process = Process.Start(new ProcessStartInfo("/usr/bin/redis-server",
        $"--port {port} --bind 127.0.0.1 --dir {folder} --save \"\" --appendonly no") { RedirectStandardOutput = true })
        ?? throw new InvalidOperationException("/usr/bin/redis-server did not start (apt-get install redis-server).");
    while (await process.StandardOutput.ReadLineAsync() is { } line)
    {
        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            // Keep reading, so a full pipe never stalls it.
            _ = process.StandardOutput.ReadToEndAsync();
            return (process, $"127.0.0.1:{port}");
        }
    }
    throw new InvalidOperationException("redis-server exited before it was ready.");
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static ByteString ImagePng()
{
    var rgba = new byte[96 * 64 * 4];
    for (int i = 0; i < rgba.Length; i++) rgba[i] = (byte)(i * 7);
    return ByteString.CopyFrom(QwenLayered.Engine.Imaging.LayerPng.Encode8(rgba, 96, 64));
}
