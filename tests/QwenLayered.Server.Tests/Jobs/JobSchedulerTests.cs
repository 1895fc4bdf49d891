using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Operations;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Jobs;

/// <summary>The scheduler with the default queue bounds and no worker: each test starts jobs itself, as a worker would.</summary>
public sealed class JobSchedulerTests : IDisposable
{
    private static readonly Caller Ann = new("ann", IsAdmin: false), Bob = new("bob", IsAdmin: false), Cy = new("cy", IsAdmin: false);
    private static readonly DecompositionRequest Spec = new(
        new InputImage(new byte[1], new ImageHeader("PNG", 1, 1, 8)), new WorkingSize(32, 32, 4, 4), "test", new DecompositionSettings()) { NegativePrompt = null };
    private static readonly int Share = new JobsOptions().MaxQueuedPerArtist;

    private readonly TempResultsFolder _results = new();
    private readonly JobScheduler _scheduler;

    public JobSchedulerTests()
    {
        var options = Options.Create(new JobsOptions { ResultsFolder = _results.Path });
        _scheduler = new JobScheduler(options, Options.Create(new ServerOptions()),
            new ResultStore(options, NullLogger<ResultStore>.Instance), new ServerMetrics(), NullLogger<JobScheduler>.Instance);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Submit_ArtistsShareFull_RefusesThemSayingHowManyOfTheirsWaitAndAnotherArtistsFirstJobStartsNext()
    {
        Submit(Ann);
        await StartNextAsync();
        var refusals = new List<RpcException>();
        for (int i = 1; i < 40; i++)
        {
            try
            {
                Submit(Ann);
            }
            catch (RpcException refusal)
            {
                refusals.Add(refusal);
            }
        }

        string bobs = Submit(Bob);

        Assert.Equal(39 - Share, refusals.Count);
        Assert.All(refusals, refusal => Assert.Equal(StatusCode.ResourceExhausted, refusal.StatusCode));
        Assert.All(refusals, refusal => Assert.StartsWith($"Your share of the queue is full: {Share} of your jobs are waiting", refusal.Status.Detail));
        Assert.Equal(0, Events(bobs)[0].Accepted.QueuePosition);
        Assert.Equal(bobs, await StartNextAsync());
    }

    [Fact]
    public async Task NextAsync_TwoArtistsArrivingWhileAnothersFirstJobRuns_StartSecondAndThird()
    {
        List<string> ann = [Submit(Ann)];
        List<string> started = [await StartNextAsync()];
        for (int i = 1; i < 12; i++) ann.Add(Submit(Ann));
        string bob = Submit(Bob), cy = Submit(Cy);

        while (_scheduler.QueueLength > 0) started.Add(await StartNextAsync());

        Assert.Equal([ann[0], bob, cy, ann[1], ann[2]], started.Take(5));
        Assert.Equal((0, 1), (Events(bob)[0].Accepted.QueuePosition, Events(cy)[0].Accepted.QueuePosition));
        // What every artist was told matches what happened: each job was at position 0 when it started.
        Assert.All(started.Skip(1), id => Assert.Equal(0, LastPosition(id)));
    }

    private string Submit(Caller artist) => _scheduler.Submit(artist, "", Spec);

    private async Task<string> StartNextAsync() => (await _scheduler.NextAsync(Cancellation)).Id;

    // A job in memory (queued or running) has its events in a JobEventLog.
    private IReadOnlyList<JobEvent> Events(string id) => ((JobEventLog)_scheduler.Find(id)!.Events).Replay();

    private int LastPosition(string id) =>
        Events(id).Select(e => e.KindCase switch
        {
            Kind.Accepted => e.Accepted.QueuePosition,
            Kind.QueuePositionChanged => e.QueuePositionChanged.QueuePosition,
            _ => -1,
        }).Last(position => position >= 0);

    public void Dispose() => _results.Dispose();
}
