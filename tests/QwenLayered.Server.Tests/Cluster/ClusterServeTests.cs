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
/// (64 px, the tiny model), so that the 2-core CI machine runs them in seconds. What must happen first is made to:
/// endless jobs hold workers until the test cancels them or kills their server, never a race against the clock.
/// </summary>
public sealed class ClusterServeTests(TinyModelFolder model) : IDisposable
{
    private readonly List<TempResultsFolder> _folders = [];

    private const int SigKill = 9;
    private const string Ann = "ann-token", Bob = "bob-token", Cy = "cy-token", Dan = "dan-token";

    // Steps no job finishes on any machine while a test waits; the servers allow as many.
    private const int Endless = 1_000_000;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_TwoServersOnOneRedis_ArtistsTakeTurnsAcrossBothAndAttachWorksThroughEither()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var serverA = await StartServingAsync(redis);
        await using var serverB = await StartServingAsync(redis);
        using var channelA = GrpcChannel.ForAddress(serverA.GrpcAddress);
        using var channelB = GrpcChannel.ForAddress(serverB.GrpcAddress);

        // Dan's two endless jobs hold both workers, one on each server (a worker runs one job at a time), so every job
        // below waits in the shared queue until they are cancelled: the order they are taken in is the queue's alone.
        using var dansFirst = await SubmitAsync(channelA, Dan, seed: 1, steps: Endless);
        using var dansSecond = await SubmitAsync(channelA, Dan, seed: 2, steps: Endless);
        await dansFirst.UntilAsync(Kind.Progress);
        await dansSecond.UntilAsync(Kind.Progress);
        // Ann queues twelve jobs, then Bob and Cy one each, all through server A.
        var anns = new List<JobStream>();
        for (int i = 0; i < 12; i++) anns.Add(await SubmitAsync(channelA, Ann, seed: (ulong)i));
        using var bobs = await SubmitAsync(channelA, Bob, seed: 100);
        using var cys = await SubmitAsync(channelA, Cy, seed: 200);
        var dans = new Decomposer.DecomposerClient(channelB);
        foreach (var blocker in new[] { dansFirst, dansSecond })
            await dans.CancelAsync(new CancelRequest { JobId = blocker.JobId }, Artists.Bearer(Dan), cancellationToken: Cancellation);
        List<JobStream> fourteen = [.. anns, bobs, cys];
        foreach (var job in fourteen) await job.ToEndAsync();
        // Bob reads his job again through server B.
        using var attached = new JobStream(new Decomposer.DecomposerClient(channelB).Attach(
            new AttachRequest { JobId = bobs.JobId }, Artists.Bearer(Bob), cancellationToken: Cancellation));
        var again = await attached.ToEndAsync();
        await using var stored = await StoredJobs.ConnectAsync(redis);
        var turns = new Dictionary<string, long>();
        foreach (var job in fourteen) turns[job.JobId] = await stored.TurnAsync(job.JobId);
        var dansFirstRanOn = await RanOnAsync(dansFirst, serverA, serverB);
        var dansSecondRanOn = await RanOnAsync(dansSecond, serverA, serverB);

        Assert.All(fourteen, job => Assert.Equal(Kind.Completed, job.Events[^1].KindCase));
        Assert.NotSame(dansFirstRanOn, dansSecondRanOn);
        // Taken across both servers in the shared queue's fair order: one job of each artist a round.
        Assert.Equal((1, 2), (Accepted(bobs).QueuePosition, Accepted(cys).QueuePosition));
        Assert.Equal([anns[0].JobId, bobs.JobId, cys.JobId, .. anns[1..].Select(job => job.JobId)], turns.OrderBy(turn => turn.Value).Select(turn => turn.Key));
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
        await using var stored = await StoredJobs.ConnectAsync(redis);

        // An endless job: whichever worker took it is still running it when it is killed.
        using var submitted = await SubmitAsync(channelA, Ann, seed: 1, steps: Endless);
        await submitted.UntilAsync(Kind.Progress);
        var victim = await RanOnAsync(submitted, serverA, serverB);
        var survivor = victim == serverA ? serverB : serverA;
        // The run after the kill reads the request again from Redis: two steps, so that it ends.
        await stored.SetStepsAsync(submitted.JobId, 2);
        victim.Signal(SigKill);
        using var channel = GrpcChannel.ForAddress(survivor.GrpcAddress);
        using var attached = new JobStream(new Decomposer.DecomposerClient(channel).Attach(
            new AttachRequest { JobId = submitted.JobId }, Artists.Bearer(Ann), cancellationToken: Cancellation));
        var events = await attached.ToEndAsync();
        await survivor.WaitForLineAsync(new Regex($"Job {submitted.JobId} of ann started"));
        string metrics = await MetricsOnceAsync(survivor, "qwenlayered_jobs_total{outcome=\"requeued\"} 1");

        Assert.Equal(Kind.Completed, events[^1].KindCase);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (ulong)n), events.Select(e => e.Sequence));
        var starts = events.Where(e => e.KindCase == Kind.Started).ToList();
        Assert.Equal([Endless, 2], starts.Select(e => e.Started.Steps));
        // Between the two runs the artist hears the job is queued again; the second run delivers every layer once.
        Assert.Contains(events.SkipWhile(e => e != starts[0]).TakeWhile(e => e != starts[1]), e => e.KindCase == Kind.QueuePositionChanged);
        Assert.Equal([0, 1], events.SkipWhile(e => e != starts[1]).Where(e => e.KindCase == Kind.Layer).Select(e => e.Layer.Index));
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
        $"--Auth:Tokens:2:Token={Cy} --Auth:Tokens:2:Artist=cy --Auth:Tokens:3:Token={Dan} --Auth:Tokens:3:Artist=dan";

    // A short lease, so that a killed worker's job is queued again within seconds.
    private async Task<ServeProcess> StartServingAsync(RedisProcess redis)
    {
        var server = await ServeProcess.StartAsync($"--device cpu --dtype fp32 --model {model.Path} --Engine:WorkingArea={64 * 64} " +
            $"--redis {redis.Address} --Cluster:LeaseTime=00:00:04 --Limits:MaxSteps={Endless} {Tokens} {OwnResultsFolder()}");
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

    private static Accepted Accepted(JobStream job) => job.OfKind(Kind.Accepted).Single().Accepted;

    // The server's metrics once they show what is expected (the count follows the requeue it counts); a deadline only
    // against a hang.
    private static async Task<string> MetricsOnceAsync(ServeProcess server, string expected)
    {
        using var http = new HttpClient();
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        hung.CancelAfter(Deadlines.Hung);
        while (true)
        {
            string metrics = await http.GetStringAsync($"http://127.0.0.1:{server.HttpPort}/metrics", hung.Token);
            if (metrics.Contains(expected)) return metrics;
            await Task.Delay(100, hung.Token);
        }
    }

    // The server whose worker started the job (first), once its log line is read.
    private static async Task<ServeProcess> RanOnAsync(JobStream job, ServeProcess serverA, ServeProcess serverB)
    {
        var started = new Regex($"Job {job.JobId} of \\w+ started");
        var onA = serverA.WaitForLineAsync(started);
        return await Task.WhenAny(onA, serverB.WaitForLineAsync(started)) == onA ? serverA : serverB;
    }}
