using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Operations;

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
        var refusals = new List<JobRefusedException>();
        for (int i = 1; i < 40; i++)
        {
            try
            {
                Submit(Ann);
            }
            catch (JobRefusedException refusal)
            {
                refusals.Add(refusal);
            }
        }

        string bobs = Submit(Bob);

        Assert.Equal(39 - Share, refusals.Count);
        Assert.All(refusals, refusal => Assert.Equal(RefusalReason.ShareFull, refusal.Reason));
        Assert.All(refusals, refusal => Assert.StartsWith($"Your share of the queue is full: {Share} of your jobs are waiting", refusal.Message));
        Assert.Equal(0, Assert.IsType<JobAccepted>(Events(bobs)[0]).QueuePosition);
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
        Assert.Equal((0, 1), (((JobAccepted)Events(bob)[0]).QueuePosition, ((JobAccepted)Events(cy)[0]).QueuePosition));
        // What every artist was told matches what happened: each job was at position 0 when it started.
        Assert.All(started.Skip(1), id => Assert.Equal(0, LastPosition(id)));
    }

    [Fact]
    public void Submit_AfterStopAccepting_IsRefusedAsShuttingDownWithTheReason()
    {
        _scheduler.StopAccepting("The server is shutting down.");

        var refusal = Assert.Throws<JobRefusedException>(() => Submit(Ann));

        Assert.Equal((RefusalReason.ShuttingDown, "The server is shutting down."), (refusal.Reason, refusal.Message));
    }

    [Fact]
    public void Cancel_UnknownJob_ThrowsNotFound()
    {
        var error = Assert.Throws<JobNotFoundException>(() => _scheduler.Cancel(Ann, "no-such-job"));

        Assert.Equal("no-such-job", error.JobId);
    }

    [Fact]
    public void CancelAndFindFor_AnotherArtistsJob_ThrowNotYours()
    {
        string anns = Submit(Ann);

        Assert.Throws<JobNotYoursException>(() => _scheduler.Cancel(Bob, anns));
        Assert.Throws<JobNotYoursException>(() => _scheduler.FindFor(Bob, anns));
    }

    [Fact]
    public async Task Cancel_FinishedJob_IsFalseAndItsStoredResultStillBelongsToItsOwner()
    {
        string anns = Submit(Ann);
        await CompleteNextAsync();

        bool cancelled = _scheduler.Cancel(Ann, anns);

        Assert.False(cancelled);
        Assert.Throws<JobNotYoursException>(() => _scheduler.Cancel(Bob, anns));
        Assert.Equal("ann", _scheduler.FindFor(Ann, anns).Owner);
    }

    [Fact]
    public async Task Submit_RetryOfAFinishedJob_ReturnsItsIdFromTheStore()
    {
        string first = _scheduler.Submit(Ann, "req-1", Spec);
        await CompleteNextAsync();

        string retried = _scheduler.Submit(Ann, "req-1", Spec);

        Assert.Equal(first, retried);
        Assert.Equal(0, _scheduler.QueueLength);
    }

    [Fact]
    public async Task Submit_WhileAStoredResultIsBeingRead_IsNotHeldUpByTheRead()
    {
        string anns = Submit(Ann);
        await CompleteNextAsync();
        // Its result file becomes a pipe: a read of it waits until this test writes, as on a disk that hangs.
        string path = Path.Combine(_results.Path, anns + ".result");
        File.Delete(path);
        Assert.Equal(0, mkfifo(path, 0b110_000_000));
        var cancel = Task.Run(() => _scheduler.Cancel(Ann, anns), Cancellation);

        Task<string> submit;
        // Opening the pipe returns once Cancel has opened it too: from then on, Cancel is inside the read.
        await using (new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            submit = Task.Run(() => Submit(Bob), Cancellation);
            await Task.WhenAny(submit, Task.Delay(Deadlines.Hung, Cancellation));
            Assert.True(submit.IsCompletedSuccessfully, "Submit waited for another call's read of a result file.");
        }

        // The pipe closed empty: no result file, so no such job.
        await Assert.ThrowsAsync<JobNotFoundException>(() => cancel);
        Assert.Equal(0, ((JobAccepted)Events(await submit)[0]).QueuePosition);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    private string Submit(Caller artist) => _scheduler.Submit(artist, "", Spec);

    // As a worker does: the job's outcome, then Finished.
    private async Task CompleteNextAsync()
    {
        var job = await _scheduler.NextAsync(Cancellation);
        job.Log.Append(new JobCompleted(0, []));
        _scheduler.Finished(job);
    }

    private async Task<string> StartNextAsync() => (await _scheduler.NextAsync(Cancellation)).Id;

    // A job in memory (queued or running) has its events in a JobEventLog.
    private IReadOnlyList<JobUpdate> Events(string id) => ((JobEventLog)_scheduler.Find(id)!.Events).Replay();

    private int LastPosition(string id) =>
        Events(id).Select(e => e switch
        {
            JobAccepted accepted => accepted.QueuePosition,
            JobQueuePositionChanged changed => changed.QueuePosition,
            _ => -1,
        }).Last(position => position >= 0);

    public void Dispose() => _results.Dispose();
}
