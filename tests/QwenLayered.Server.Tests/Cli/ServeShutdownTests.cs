using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Services;
using QwenLayered.Server.Tests.Serving;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>
/// Stops the built <c>qwenlayered serve</c> as a service manager (SIGTERM) or a terminal (Ctrl+C, SIGINT) does while it
/// runs a job, lets it exit by itself, and reads the job back from its results folder as a server restarted on that
/// folder does, here in the test's own process: the signals need the real process, the read-back does not.
/// </summary>
public class ServeShutdownTests(TinyModelFolder model)
{
    private const int SigInt = 2, SigTerm = 15;

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task Serve_SignalledWhileAJobRuns_FinishesTheJobStoresItAndExitsWithZero(int signal)
    {
        if (signal == SigInt && IgnoresSigInt())
            Assert.Skip("This test run ignores SIGINT (started in the background of a script), so the servers it starts do too.");
        using var results = new TempResultsFolder();
        // Far more time than the job needs: the job's end, not the timeout, ends the drain.
        await using var server = await StartServingAsync(results, drainTimeout: "00:05:00");

        // The signal follows the first step at once; the other 99 are still to run (tenths of a second even on a fast
        // machine, where the signal takes microseconds to arrive), and take about ten seconds on a loaded one.
        var (exitCode, jobId) = await SignalWhileAJobRunsAsync(server, signal, steps: 100);
        var stored = await ReadStoredAsync(results, jobId);

        Assert.True(exitCode == 0, $"qwenlayered serve exited with {exitCode}:\n{server.Output}");
        Assert.Equal(Kind.Completed, stored[^1].KindCase);
        Assert.Equal(2, stored.Count(e => e.KindCase == Kind.Layer));
    }

    [Fact]
    public async Task Serve_SignalledWhileAJobRunsPastTheDrainTimeout_CancelsItStoresItWithTheReasonAndExitsWithZero()
    {
        using var results = new TempResultsFolder();
        await using var server = await StartServingAsync(results, drainTimeout: "00:00:01");

        // Far longer than the one second of drain on any machine.
        var (exitCode, jobId) = await SignalWhileAJobRunsAsync(server, SigTerm, steps: 100_000);
        var stored = await ReadStoredAsync(results, jobId);

        Assert.True(exitCode == 0, $"qwenlayered serve exited with {exitCode}:\n{server.Output}");
        Assert.Equal(Kind.Cancelled, stored[^1].KindCase);
        Assert.Contains("shutting down", stored[^1].Cancelled.Reason);
    }

    // A process started in the background of a non-interactive shell ignores SIGINT, and its children inherit that: a
    // server started so rightly ignores Ctrl+C. Bit n-1 of the SigIgn mask is signal n.
    private static bool IgnoresSigInt()
    {
        string mask = File.ReadLines("/proc/self/status").First(line => line.StartsWith("SigIgn:"))["SigIgn:".Length..].Trim();
        return (Convert.ToUInt64(mask, 16) & (1UL << (SigInt - 1))) != 0;
    }

    private async Task<ServeProcess> StartServingAsync(TempResultsFolder results, string drainTimeout)
    {
        var server = await ServeProcess.StartAsync($"--device cpu --dtype fp32 --model {model.Path} " +
            $"--Engine:WorkingArea={64 * 64} --Engine:TextEncoder=Unload --Limits:MaxSteps=100000 " +
            $"--Jobs:ResultsFolder={results.Path} --Jobs:ShutdownDrainTimeout={drainTimeout}");
        await server.WaitUntilServingAsync();
        return server;
    }

    // Submits a job, signals the server once the job's first step is done, reads the job's events to their end as a
    // connected panel would, and waits for the server to exit by itself.
    private static async Task<(int ExitCode, string JobId)> SignalWhileAJobRunsAsync(ServeProcess server, int signal, int steps)
    {
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var request = new DecomposeRequest
        {
            Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Steps = steps, Layers = 2, Seed = 3, Prompt = "test",
        };
        using var job = new JobStream(new Decomposer.DecomposerClient(channel).Decompose(request, cancellationToken: TestContext.Current.CancellationToken));
        await job.UntilAsync(Kind.Progress);

        server.Signal(signal);
        await job.ToEndAsync();
        return (await server.WaitForExitAsync(), job.JobId);
    }

    // What Attach on a server restarted on this folder streams: the store it answers from, its events as the contract
    // sends them. A result the store refuses is logged, and the log goes into the failure message.
    private static async Task<IReadOnlyList<JobEvent>> ReadStoredAsync(TempResultsFolder results, string jobId)
    {
        var log = new ListLogger<ResultStore>();
        var job = new ResultStore(Options.Create(new JobsOptions { ResultsFolder = results.Path }), log).Find(jobId);
        Assert.True(job is not null, $"No readable result of job {jobId}:\n{string.Join('\n', log.Lines)}");
        var events = new List<JobEvent>();
        await foreach (var update in job.Events.Follow(0, TestContext.Current.CancellationToken))
            events.Add(ContractEvents.ToContract(jobId, update));
        return events;
    }
}
