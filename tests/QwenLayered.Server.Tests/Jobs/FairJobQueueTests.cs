using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Tests.Jobs;

public class FairJobQueueTests
{
    private sealed record Job(string Name);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<List<string>> DrainAsync(FairJobQueue<Job> queue)
    {
        var served = new List<string>();
        while (queue.Count > 0) served.Add((await queue.DequeueAsync(Cancellation)).Name);
        return served;
    }

    [Fact]
    public async Task DequeueAsync_UnevenArtists_AlternatesBetweenThemAndKeepsEachInOrder()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        for (int i = 1; i <= 4; i++) queue.Enqueue("ann", new Job($"ann{i}"), out _);
        queue.Enqueue("bob", new Job("bob1"), out _);
        queue.Enqueue("cy", new Job("cy1"), out _);
        queue.Enqueue("bob", new Job("bob2"), out _);

        var served = await DrainAsync(queue);

        Assert.Equal(["ann1", "bob1", "cy1", "ann2", "bob2", "ann3", "ann4"], served);
    }

    [Fact]
    public void Enqueue_LateArtistBeforeAnyStarted_IsPlacedAfterOneJobOfEachEarlierArtist()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        for (int i = 1; i <= 20; i++) queue.Enqueue("ann", new Job($"ann{i}"), out _);

        queue.Enqueue("bob", new Job("bob1"), out int position);

        Assert.Equal(1, position);
        Assert.Equal("bob1", queue.ServiceOrder()[1].Name);
    }

    [Fact]
    public async Task DequeueAsync_ArtistsArrivingAfterAnotherStarted_GoAheadOfItsNextJobInArrivalOrder()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        queue.Enqueue("ann", new Job("ann1"), out _);
        Assert.Equal("ann1", (await queue.DequeueAsync(Cancellation)).Name);
        for (int i = 2; i <= 12; i++) queue.Enqueue("ann", new Job($"ann{i}"), out _);

        queue.Enqueue("bob", new Job("bob1"), out int bobPosition);
        queue.Enqueue("cy", new Job("cy1"), out int cyPosition);
        var promised = queue.ServiceOrder().Select(j => j.Name).ToList();
        var served = await DrainAsync(queue);

        Assert.Equal((0, 1), (bobPosition, cyPosition));
        Assert.Equal(["bob1", "cy1", "ann2", "ann3", "ann4"], served.Take(5));
        Assert.Equal(promised, served);
    }

    [Fact]
    public async Task DequeueAsync_ArtistArrivingLate_TakesTurnsFromNowWithoutCatchingUp()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        for (int i = 1; i <= 3; i++) queue.Enqueue("ann", new Job($"ann{i}"), out _);
        Assert.Equal("ann1", (await queue.DequeueAsync(Cancellation)).Name);
        Assert.Equal("ann2", (await queue.DequeueAsync(Cancellation)).Name);
        queue.Enqueue("ann", new Job("ann4"), out _);

        queue.Enqueue("bob", new Job("bob1"), out _);
        queue.Enqueue("bob", new Job("bob2"), out _);

        Assert.Equal(["bob1", "ann3", "bob2", "ann4"], await DrainAsync(queue));
    }

    [Fact]
    public async Task Enqueue_ArtistWithAJobRunning_JoinsTheNextRound()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        queue.Enqueue("ann", new Job("ann1"), out _);
        await queue.DequeueAsync(Cancellation);
        queue.Enqueue("bob", new Job("bob1"), out _);
        queue.Enqueue("bob", new Job("bob2"), out _);

        queue.Enqueue("ann", new Job("ann2"), out _);

        Assert.Equal(["bob1", "bob2", "ann2"], await DrainAsync(queue));
    }

    [Fact]
    public async Task Enqueue_ArtistWhoseJobHasEnded_JoinsTheRoundBeingServed()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        queue.Enqueue("ann", new Job("ann1"), out _);
        queue.Finished(await queue.DequeueAsync(Cancellation));
        queue.Enqueue("bob", new Job("bob1"), out _);
        queue.Enqueue("bob", new Job("bob2"), out _);

        queue.Enqueue("ann", new Job("ann2"), out _);

        Assert.Equal(["bob1", "ann2", "bob2"], await DrainAsync(queue));
    }

    [Fact]
    public void Enqueue_Full_Refuses()
    {
        var queue = new FairJobQueue<Job>(2, 2);
        queue.Enqueue("ann", new Job("a"), out _);
        queue.Enqueue("bob", new Job("b"), out _);

        var admission = queue.Enqueue("cy", new Job("c"), out int position);

        Assert.Equal(Admission.QueueFull, admission);
        Assert.Equal(-1, position);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public async Task Enqueue_ArtistsShareFull_RefusesThatArtistAndQueuesAnotherArtistsFirstJobNext()
    {
        var queue = new FairJobQueue<Job>(4, 2);
        queue.Enqueue("ann", new Job("ann1"), out _);
        queue.Enqueue("ann", new Job("ann2"), out _);

        var refused = queue.Enqueue("ann", new Job("ann3"), out _);
        var accepted = queue.Enqueue("bob", new Job("bob1"), out int position);

        Assert.Equal((Admission.ShareFull, Admission.Queued), (refused, accepted));
        Assert.Equal(1, position);
        Assert.Equal(["ann1", "bob1", "ann2"], await DrainAsync(queue));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(4, 0)]
    [InlineData(4, 5)]
    public void Constructor_BoundOutOfRange_Throws(int capacity, int perArtist) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FairJobQueue<Job>(capacity, perArtist));

    [Fact]
    public async Task TryRemove_WaitingJob_TakesItOutAndKeepsTheRest()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        var doomed = new Job("ann2");
        queue.Enqueue("ann", new Job("ann1"), out _);
        queue.Enqueue("ann", doomed, out _);
        queue.Enqueue("ann", new Job("ann3"), out _);
        queue.Enqueue("bob", new Job("bob1"), out _);

        Assert.True(queue.TryRemove("ann", doomed));
        Assert.False(queue.TryRemove("ann", doomed));

        Assert.Equal(["ann1", "bob1", "ann3"], await DrainAsync(queue));
    }

    [Fact]
    public async Task TryRemove_ArtistsFirstWaitingJob_CostsThemNoTurn()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        var doomed = new Job("ann1");
        queue.Enqueue("ann", doomed, out _);
        queue.Enqueue("ann", new Job("ann2"), out _);
        queue.Enqueue("bob", new Job("bob1"), out _);
        queue.Enqueue("bob", new Job("bob2"), out _);

        queue.TryRemove("ann", doomed);

        Assert.Equal(["ann2", "bob1", "bob2"], await DrainAsync(queue));
    }

    [Fact]
    public async Task DequeueAsync_AfterRemovalEmptiedTheQueue_WaitsForTheNextJob()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        var removed = new Job("gone");
        queue.Enqueue("ann", removed, out _);
        queue.TryRemove("ann", removed);

        // The removal left a spare signal, which DequeueAsync takes before it returns (the semaphore has it at hand):
        // its task is still pending only if it went back to waiting.
        var next = queue.DequeueAsync(Cancellation);
        Assert.False(next.IsCompleted);
        queue.Enqueue("bob", new Job("bob1"), out _);

        Assert.Equal("bob1", (await next).Name);
    }

    [Fact]
    public async Task DequeueAsync_Cancelled_StopsWaiting()
    {
        var queue = new FairJobQueue<Job>(100, 100);
        using var cancel = new CancellationTokenSource();

        var waiting = queue.DequeueAsync(cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
