using Google.Protobuf;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Tests.Services;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>
/// Submitting jobs to a <see cref="ModelServer"/> as one of the <see cref="Artists"/>: straight to its Decomposer service
/// (<see cref="DirectDecomposer"/>), or over the network where a test class is about what the network adds.
/// </summary>
public abstract class ServingTestBase(ModelServer server)
{
    protected ModelServer Server { get; } = server;

    /// <summary>Whether this class's calls go over gRPC to the server's port rather than straight to its service.</summary>
    protected virtual bool OverTheWire => false;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected static DecomposeRequest Request(int steps = 1, int layers = 1, string clientRequestId = "") => new()
    {
        Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Steps = steps, Layers = layers, Seed = 3, Prompt = "test",
        ClientRequestId = clientRequestId,
    };

    protected IJobCall Submit(string token, DecomposeRequest request) => OverTheWire
        ? new JobStream(Server.Client.Decompose(request, Artists.Bearer(token), cancellationToken: Cancellation))
        : Server.Decomposer.Decompose(token, request);

    /// <summary>Submits and waits until the job is accepted, so the next submit is queued after it.</summary>
    protected async Task<IJobCall> SubmitAcceptedAsync(string token, DecomposeRequest request)
    {
        var call = Submit(token, request);
        await call.UntilAsync(Kind.Accepted);
        return call;
    }

    /// <summary>A job of a thousand steps that keeps the only worker busy until it is cancelled.</summary>
    protected async Task<IJobCall> StartBlockerAsync(string token)
    {
        var call = Submit(token, Request(steps: 1000));
        await call.UntilAsync(Kind.Started);
        return call;
    }

    protected async Task<CancelResponse> CancelAsync(string token, string jobId) => OverTheWire
        ? await Server.Client.CancelAsync(new CancelRequest { JobId = jobId }, Artists.Bearer(token), cancellationToken: Cancellation)
        : await Server.Decomposer.CancelAsync(token, jobId);

    protected IJobCall Attach(string token, string jobId, ulong afterSequence = 0) => OverTheWire
        ? new JobStream(Server.Client.Attach(new AttachRequest { JobId = jobId, AfterSequence = afterSequence }, Artists.Bearer(token), cancellationToken: Cancellation))
        : Server.Decomposer.Attach(token, jobId, afterSequence);
}
