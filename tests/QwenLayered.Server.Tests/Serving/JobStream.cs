using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>A Decompose or Attach call read event by event, keeping everything it has read.</summary>
public sealed class JobStream(AsyncServerStreamingCall<JobEvent> call) : IJobCall
{
    private readonly List<JobEvent> _events = [];

    public IReadOnlyList<JobEvent> Events => _events;

    public string JobId => Events[0].JobId;

    public async Task<JobEvent> UntilAsync(JobEvent.KindOneofCase kind)
    {
        while (await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
        {
            _events.Add(call.ResponseStream.Current);
            if (call.ResponseStream.Current.KindCase == kind) return call.ResponseStream.Current;
        }
        throw new InvalidOperationException($"The stream ended without a {kind} event; it had {string.Join(", ", _events.Select(e => e.KindCase))}.");
    }

    public async Task<IReadOnlyList<JobEvent>> ToEndAsync()
    {
        await foreach (var jobEvent in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken)) _events.Add(jobEvent);
        return Events;
    }

    public IEnumerable<JobEvent> OfKind(JobEvent.KindOneofCase kind) => Events.Where(e => e.KindCase == kind);

    public void Dispose() => call.Dispose();
}
