using Microsoft.Extensions.Hosting;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Hosting;

public class EngineBackgroundServiceTests
{
    [Fact]
    public async Task StopAsync_PastTheHostsShutdownTimeout_AsksTheWorkToStopAndWaitsUntilItReturns()
    {
        using var work = new WorkThatFinishesWhenTold();
        await work.StartAsync(TestContext.Current.CancellationToken);
        await work.Running;

        // The host's shutdown timeout has passed: its token is cancelled.
        var stopping = work.StopAsync(new CancellationToken(canceled: true));
        await work.AskedToStop;
        bool stoppedWhileWorking = stopping.IsCompleted;
        work.Finish();
        await stopping;

        Assert.False(stoppedWhileWorking);
    }

    // Work that, like an engine call, notices the stop request but returns only when it is done.
    private sealed class WorkThatFinishesWhenTold : EngineBackgroundService
    {
        private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _askedToStop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Running => _running.Task;
        public Task AskedToStop => _askedToStop.Task;

        public void Finish() => _done.SetResult();

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var stopRequest = stoppingToken.Register(_askedToStop.SetResult);
            _running.SetResult();
            await _done.Task;
        }
    }
}
