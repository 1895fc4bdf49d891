using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Tools.ServerLoadCheck;

/// <summary>What happened to one job, as its artist saw it; <paramref name="Refusals"/> counts full-queue answers before it got in.</summary>
public sealed record JobOutcome(int Artist, string Outcome, TimeSpan? TimeToFirstPreview, TimeSpan? TimeToFirstProgress = null, int Refusals = 0);

/// <summary>
/// Artists submitting jobs, following each stream to its outcome and noting when the first progress and preview came.
/// Artist n submits through server n modulo the servers' count.
/// </summary>
public sealed class ArtistSimulation(IReadOnlyList<Decomposer.DecomposerClient> clients, LoadSettings load, ByteString image)
{
    /// <summary>All of one artist's jobs, at most <see cref="LoadSettings.InFlightPerArtist"/> open at once.</summary>
    public async Task<JobOutcome[]> RunArtistAsync(int artist, CancellationToken deadline)
    {
        using var inFlight = new SemaphoreSlim(load.InFlightPerArtist);
        return await Task.WhenAll(Enumerable.Range(0, load.JobsPerArtist).Select(async _ =>
        {
            await inFlight.WaitAsync(CancellationToken.None);
            try
            {
                return await SubmitUntilAcceptedAsync(artist, deadline);
            }
            finally
            {
                inFlight.Release();
            }
        }));
    }

    // A refused submit is retried after a pause, as the panel does; past the deadline the refusal is the outcome.
    private async Task<JobOutcome> SubmitUntilAcceptedAsync(int artist, CancellationToken deadline)
    {
        for (int refusals = 0; ; refusals++)
        {
            var outcome = await RunJobAsync(artist, deadline);
            if (outcome.Outcome != "refused" || deadline.IsCancellationRequested)
                return outcome with { Refusals = refusals };
            try
            {
                await Task.Delay(RetryPause, deadline);
            }
            catch (OperationCanceledException)
            {
                return outcome with { Refusals = refusals + 1 };
            }
        }
    }

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private async Task<JobOutcome> RunJobAsync(int artist, CancellationToken deadline)
    {
        if (deadline.IsCancellationRequested) return new JobOutcome(artist, "not submitted (time up)", null);
        var client = clients[artist % clients.Count];
        var headers = new Metadata { { "authorization", $"Bearer token-{artist}" } };
        var request = new DecomposeRequest
        {
            Image = image, Layers = load.Layers, Steps = load.Steps, Prompt = "load check",
            Preview = new PreviewOptions { EverySteps = 2, MaxEdge = 32 },
            ClientRequestId = Guid.NewGuid().ToString("N"),
        };
        var clock = Stopwatch.StartNew();
        TimeSpan? firstPreview = null, firstProgress = null;
        try
        {
            using var call = client.Decompose(request, headers, cancellationToken: deadline);
            await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(CancellationToken.None))
            {
                if (jobEvent.KindCase == JobEvent.KindOneofCase.Preview) firstPreview ??= clock.Elapsed;
                if (jobEvent.KindCase == JobEvent.KindOneofCase.Progress) firstProgress ??= clock.Elapsed;
                if (IsOutcome(jobEvent)) return new JobOutcome(artist, Name(jobEvent), firstPreview, firstProgress);
            }
            return new JobOutcome(artist, "lost (stream ended without an outcome)", firstPreview);
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.ResourceExhausted)
        {
            return new JobOutcome(artist, "refused", null);
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.Cancelled && deadline.IsCancellationRequested)
        {
            return new JobOutcome(artist, await CancelAtDeadlineAsync(client, request, headers), firstPreview, firstProgress);
        }
        catch (RpcException error)
        {
            return new JobOutcome(artist, $"lost ({error.StatusCode}: {error.Status.Detail})", firstPreview);
        }
    }

    // Time is up: find the job again by its client request id (a retried submit returns the same job), cancel it as
    // its artist would, and follow it to the outcome the server recorded, so an open job is never silently dropped.
    private static async Task<string> CancelAtDeadlineAsync(Decomposer.DecomposerClient client, DecomposeRequest request, Metadata headers)
    {
        try
        {
            using var call = client.Decompose(request, headers);
            if (!await call.ResponseStream.MoveNext(CancellationToken.None)) return "lost (no event after the time-up retry)";
            await client.CancelAsync(new CancelRequest { JobId = call.ResponseStream.Current.JobId }, headers);
            var last = call.ResponseStream.Current;
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) last = call.ResponseStream.Current;
            return IsOutcome(last) ? $"{Name(last)} (time up)" : "lost (no outcome after the time-up cancel)";
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.ResourceExhausted)
        {
            return "refused";
        }
    }

    private static bool IsOutcome(JobEvent jobEvent) =>
        jobEvent.KindCase is JobEvent.KindOneofCase.Completed or JobEvent.KindOneofCase.Failed or JobEvent.KindOneofCase.Cancelled;

    private static string Name(JobEvent jobEvent) => jobEvent.KindCase.ToString().ToLowerInvariant();
}
