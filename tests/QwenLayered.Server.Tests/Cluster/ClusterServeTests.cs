using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Tests.Serving;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Cluster;

/// <summary>
/// The built <c>qwenlayered serve</c>, two of them, on one real Redis of the test's own: fair turns across servers,
/// Attach through a server that did not take the submit, a worker killed mid-job, every server restarted. Small jobs
/// (64 px, the tiny model), so that the 2-core CI machine runs them in seconds.
/// </summary>
public sealed class ClusterServeTests(TinyModelFolder model) : IDisposable
{
    private readonly List<TempResultsFolder> _folders = [];

    private const int SigKill = 9;
    private const string Ann = "ann-token", Bob = "bob-token", Cy = "cy-token";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_TwoServersOnOneRedis_ArtistsTakeTurnsAcrossBothAndAttachWorksThroughEither()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var serverA = await StartServingAsync(redis);
        await using var serverB = await StartServingAsync(redis);
        using var channelA = GrpcChannel.ForAddress(serverA.GrpcAddress);
        using var channelB = GrpcChannel.ForAddress(serverB.GrpcAddress);

        // Ann queues twelve jobs, then Bob and Cy one each, all through server A.
        var anns = new List<JobStream>();
        for (int i = 0; i < 12; i++) anns.Add(await SubmitAsync(channelA, Ann, seed: (ulong)i));
        using var bobs = await SubmitAsync(channelA, Bob, seed: 100);
        using var cys = await SubmitAsync(channelA, Cy, seed: 200);
        foreach (var job in anns.Append(bobs).Append(cys)) await job.ToEndAsync();
        // Bob reads his job again through server B.
        using var attached = new JobStream(new Decomposer.DecomposerClient(channelB).Attach(
            new AttachRequest { JobId = bobs.JobId }, Artists.Bearer(Bob), cancellationToken: Cancellation));
        var again = await attached.ToEndAsync();

        Assert.All(anns.Append(bobs).Append(cys), job => Assert.Equal(Kind.Completed, job.Events[^1].KindCase));
        Assert.True(StartedHere(serverA, anns.Append(bobs).Append(cys)) > 0, $"Server A ran none of the jobs:\n{serverA.Output}");
        Assert.True(StartedHere(serverB, anns.Append(bobs).Append(cys)) > 0, $"Server B ran none of the jobs:\n{serverB.Output}");
        // Within one round: besides Ann's turn, at most the job the other worker took as Bob's (or Cy's) arrived.
        Assert.InRange(StartedBetween(anns, Accepted(bobs), Started(bobs)), 0, 2);
        Assert.InRange(StartedBetween([.. anns, bobs], Accepted(cys), Started(cys)), 0, 3);
        Assert.Equal(Enumerable.Range(1, again.Count).Select(n => (ulong)n), again.Select(e => e.Sequence));
        Assert.Equal(bobs.Events.Select(e => e.ToString()), again.Select(e => e.ToString()));
        Assert.Equal(1, again.Count(e => e.KindCase == Kind.Started));
        foreach (var job in anns) job.Dispose();
    }

    [Fact]
    public async Task Serve_WorkerKilledWhileItRunsAJob_TheOtherServerRunsItAgainAndItsFollowerGetsEveryLayer()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var serverA = await StartServingAsync(redis);
        await using var serverB = await StartServingAsync(redis);
        using var channelA = GrpcChannel.ForAddress(serverA.GrpcAddress);

        // Enough steps that the worker is killed long before it could finish, on any machine.
        using var submitted = await SubmitAsync(channelA, Ann, seed: 1, steps: 30);
        var startedLine = new Regex($"Job {submitted.JobId} of ann started");
        var onA = serverA.WaitForLineAsync(startedLine);
        var onB = serverB.WaitForLineAsync(startedLine);
        var (victim, survivor) = await Task.WhenAny(onA, onB) == onA ? (serverA, serverB) : (serverB, serverA);
        victim.Signal(SigKill);
        using var channel = GrpcChannel.ForAddress(survivor.GrpcAddress);
        using var attached = new JobStream(new Decomposer.DecomposerClient(channel).Attach(
            new AttachRequest { JobId = submitted.JobId }, Artists.Bearer(Ann), cancellationToken: Cancellation));
        var events = await attached.ToEndAsync();
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{survivor.HttpPort}/metrics", Cancellation);

        Assert.Equal(Kind.Completed, events[^1].KindCase);
        await survivor.WaitForLineAsync(startedLine);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (ulong)n), events.Select(e => e.Sequence));
        var lastRun = events.SkipWhile(e => e != events.Last(e => e.KindCase == Kind.Started)).ToList();
        Assert.Equal([0, 1], lastRun.Where(e => e.KindCase == Kind.Layer).Select(e => e.Layer.Index));
        Assert.Contains(events, e => e.KindCase == Kind.QueuePositionChanged);
        Assert.Contains("qwenlayered_jobs_total{outcome=\"requeued\"} 1", metrics);
    }

    [Fact]
    public async Task Serve_EveryServerRestarted_FinishedResultsAreAttachableFromRedis()
    {
        await using var redis = await RedisProcess.StartAsync();
        List<IReadOnlyList<JobEvent>> finished = [];
        string[] ids;
        await using (var serverA = await StartServingAsync(redis))
        await using (var serverB = await StartServingAsync(redis))
        {
            using var channelA = GrpcChannel.ForAddress(serverA.GrpcAddress);
            using var channelB = GrpcChannel.ForAddress(serverB.GrpcAddress);
            using var viaA = await SubmitAsync(channelA, Ann, seed: 1);
            using var viaB = await SubmitAsync(channelB, Bob, seed: 2);
            finished.Add(await viaA.ToEndAsync());
            finished.Add(await viaB.ToEndAsync());
            ids = [viaA.JobId, viaB.JobId];
        }

        // Front doors only, without a model: Attach needs none.
        await using var restarted = await ServeProcess.StartAsync($"--model \"\" --redis {redis.Address} {Tokens} {OwnResultsFolder()}");
        using var channel = GrpcChannel.ForAddress(restarted.GrpcAddress);
        var client = new Decomposer.DecomposerClient(channel);
        using var annsAgain = new JobStream(client.Attach(new AttachRequest { JobId = ids[0] }, Artists.Bearer(Ann), cancellationToken: Cancellation));
        using var bobsAgain = new JobStream(client.Attach(new AttachRequest { JobId = ids[1] }, Artists.Bearer(Bob), cancellationToken: Cancellation));

        Assert.Equal(finished[0].Select(e => e.ToString()), (await annsAgain.ToEndAsync()).Select(e => e.ToString()));
        Assert.Equal(finished[1].Select(e => e.ToString()), (await bobsAgain.ToEndAsync()).Select(e => e.ToString()));
        Assert.Equal(Kind.Completed, finished[0][^1].KindCase);
    }

    private static string Tokens =>
        $"--Auth:Tokens:0:Token={Ann} --Auth:Tokens:0:Artist=ann --Auth:Tokens:1:Token={Bob} --Auth:Tokens:1:Artist=bob " +
        $"--Auth:Tokens:2:Token={Cy} --Auth:Tokens:2:Artist=cy";

    // A short lease, so that a killed worker's job is queued again within seconds.
    private async Task<ServeProcess> StartServingAsync(RedisProcess redis)
    {
        var server = await ServeProcess.StartAsync($"--device cpu --dtype fp32 --model {model.Path} --Engine:WorkingArea={64 * 64} " +
            $"--redis {redis.Address} --Cluster:LeaseTime=00:00:04 {Tokens} {OwnResultsFolder()}");
        await server.WaitUntilServingAsync();
        return server;
    }

    // A results folder no other server shares (and that a server on Redis never uses), so only Redis can hold what
    // one server finished for another.
    private string OwnResultsFolder()
    {
        var folder = new TempResultsFolder();
        _folders.Add(folder);
        return $"--Jobs:ResultsFolder={folder.Path}";
    }

    public void Dispose()
    {
        foreach (var folder in _folders) folder.Dispose();
    }

    // Submits and reads up to the Accepted event, so the job is queued when this returns.
    private static async Task<JobStream> SubmitAsync(GrpcChannel channel, string token, ulong seed, int steps = 1)
    {
        var request = new DecomposeRequest
        {
            Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Steps = steps, Layers = 2, Seed = seed, Prompt = "test",
        };
        var job = new JobStream(new Decomposer.DecomposerClient(channel).Decompose(request, Artists.Bearer(token), cancellationToken: Cancellation));
        await job.UntilAsync(Kind.Accepted);
        return job;
    }

    private static DateTime Accepted(JobStream job) => job.OfKind(Kind.Accepted).Single().Time.ToDateTime();

    private static DateTime Started(JobStream job) => job.OfKind(Kind.Started).Single().Time.ToDateTime();

    private static int StartedBetween(IEnumerable<JobStream> jobs, DateTime from, DateTime to) =>
        jobs.Count(job => Started(job) > from && Started(job) < to);

    private static int StartedHere(ServeProcess server, IEnumerable<JobStream> jobs) =>
        jobs.Count(job => Regex.IsMatch(server.Output, $"Job {job.JobId} of \\w+ started"));
}
