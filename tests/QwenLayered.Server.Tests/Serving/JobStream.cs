using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>A Decompose or Attach call read event by event, keeping everything it has read.</summary>
public sealed class JobStream(AsyncServerStreamingCall<JobEvent> call) : IDisposable
{
    public List<JobEvent> Events { get; } = [];

    public string JobId => Events[0].JobId;

    /// <summary>Reads until an event of <paramref name="kind"/> arrives and returns it.</summary>
    public async Task<JobEvent> UntilAsync(JobEvent.KindOneofCase kind)
    {
        while (await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
        {
            Events.Add(call.ResponseStream.Current);
            if (call.ResponseStream.Current.KindCase == kind) return call.ResponseStream.Current;
        }
        throw new InvalidOperationException($"The stream ended without a {kind} event; it had {string.Join(", ", Events.Select(e => e.KindCase))}.");
    }

    /// <summary>Reads every remaining event; the last one is the job's outcome.</summary>
    public async Task<List<JobEvent>> ToEndAsync()
    {
        await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken)) Events.Add(jobEvent);
        return Events;
    }

    public IEnumerable<JobEvent> OfKind(JobEvent.KindOneofCase kind) => Events.Where(e => e.KindCase == kind);

    public void Dispose() => call.Dispose();
}
