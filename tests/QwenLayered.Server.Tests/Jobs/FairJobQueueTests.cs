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
        var queue = new FairJobQueue<Job>(100);
        for (int i = 1; i <= 4; i++) queue.TryEnqueue("ann", new Job($"ann{i}"), out _);
        queue.TryEnqueue("bob", new Job("bob1"), out _);
        queue.TryEnqueue("cy", new Job("cy1"), out _);
        queue.TryEnqueue("bob", new Job("bob2"), out _);

        var served = await DrainAsync(queue);

        Assert.Equal(["ann1", "bob1", "cy1", "ann2", "bob2", "ann3", "ann4"], served);
    }

    [Fact]
    public void TryEnqueue_LateArtist_IsPlacedAfterOneJobOfEachEarlierArtist()
    {
        var queue = new FairJobQueue<Job>(100);
        for (int i = 1; i <= 20; i++) queue.TryEnqueue("ann", new Job($"ann{i}"), out _);

        queue.TryEnqueue("bob", new Job("bob1"), out int position);

        Assert.Equal(1, position);
        Assert.Equal("bob1", queue.ServiceOrder()[1].Name);
    }

    [Fact]
    public void TryEnqueue_Full_RefusesAndReportsHowManyAreAhead()
    {
        var queue = new FairJobQueue<Job>(2);
        queue.TryEnqueue("ann", new Job("a"), out _);
        queue.TryEnqueue("bob", new Job("b"), out _);

        bool accepted = queue.TryEnqueue("cy", new Job("c"), out int ahead);

        Assert.False(accepted);
        Assert.Equal(2, ahead);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public async Task TryRemove_WaitingJob_TakesItOutAndKeepsTheRest()
    {
        var queue = new FairJobQueue<Job>(100);
        var doomed = new Job("ann2");
        queue.TryEnqueue("ann", new Job("ann1"), out _);
        queue.TryEnqueue("ann", doomed, out _);
        queue.TryEnqueue("ann", new Job("ann3"), out _);
        queue.TryEnqueue("bob", new Job("bob1"), out _);

        Assert.True(queue.TryRemove("ann", doomed));
        Assert.False(queue.TryRemove("ann", doomed));

        Assert.Equal(["ann1", "bob1", "ann3"], await DrainAsync(queue));
    }

    [Fact]
    public async Task DequeueAsync_AfterRemovalEmptiedTheQueue_WaitsForTheNextJob()
    {
        var queue = new FairJobQueue<Job>(100);
        var removed = new Job("gone");
        queue.TryEnqueue("ann", removed, out _);
        queue.TryRemove("ann", removed);

        // The removal left a spare signal, which DequeueAsync takes before it returns (the semaphore has it at hand):
        // its task is still pending only if it went back to waiting.
        var next = queue.DequeueAsync(Cancellation);
        Assert.False(next.IsCompleted);
        queue.TryEnqueue("bob", new Job("bob1"), out _);

        Assert.Equal("bob1", (await next).Name);
    }

    [Fact]
    public async Task DequeueAsync_Cancelled_StopsWaiting()
    {
        var queue = new FairJobQueue<Job>(100);
        using var cancel = new CancellationTokenSource();

        var waiting = queue.DequeueAsync(cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
