using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Services;

/// <summary>
/// A Decompose or Attach call made straight to the service, read as it streams: the counterpart of
/// <see cref="JobStream"/> without the network. Disposing it aborts the call, as a client that goes away does.
/// </summary>
public sealed class DirectCall : IJobCall
{
    private readonly CancellationTokenSource _client = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly TestServerStreamWriter<JobEvent> _stream;
    private readonly Task _call;
    private int _read;

    /// <param name="start">Starts the service method with this call's response stream and context.</param>
    public DirectCall(Metadata headers, Func<IServerStreamWriter<JobEvent>, ServerCallContext, Task> start)
    {
        var context = TestServerCallContext.Create(headers, _client.Token);
        _stream = new TestServerStreamWriter<JobEvent>(context);
        // As over gRPC, the method runs apart from the client: an error it throws ends the call, seen when read.
        _call = Task.Run(() => start(_stream, context));
    }

    /// <summary>Every event written so far, also those after the last <see cref="UntilAsync"/> found.</summary>
    public IReadOnlyList<JobEvent> Events => _stream.Written;

    public string JobId => Events[0].JobId;

    public async Task<JobEvent> UntilAsync(JobEvent.KindOneofCase kind)
    {
        // As a reader of the stream would, from just after the event this returned last.
        var found = _stream.WaitForAsync(_read, e => e.KindCase == kind);
        if (await Task.WhenAny(found, _call) != found)
        {
            // The call ended (or failed) first: every event it wrote is there now.
            await _call;
            found = _stream.WaitForAsync(_read, e => e.KindCase == kind);
            if (!found.IsCompleted)
                throw new InvalidOperationException($"The call ended without a {kind} event; it had {string.Join(", ", Events.Select(e => e.KindCase))}.");
        }
        var (message, index) = await found;
        _read = index + 1;
        return message;
    }

    public async Task<IReadOnlyList<JobEvent>> ToEndAsync()
    {
        await _call.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
        return Events;
    }

    public IEnumerable<JobEvent> OfKind(JobEvent.KindOneofCase kind) => Events.Where(e => e.KindCase == kind);

    public void Dispose()
    {
        _client.Cancel();
        // The service ends the stream when its client goes; how (cancelled, or the job's end) is no concern here.
        _call.ContinueWith(_ => _client.Dispose(), TaskScheduler.Default);
    }
}
