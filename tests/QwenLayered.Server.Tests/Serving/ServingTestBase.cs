using Google.Protobuf;
using QwenLayered.Contracts.V1;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>Submitting jobs to a <see cref="ModelServer"/> as one of the <see cref="Artists"/>.</summary>
public abstract class ServingTestBase(ModelServer server)
{
    protected ModelServer Server { get; } = server;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected static DecomposeRequest Request(int steps = 1, int layers = 1, string clientRequestId = "") => new()
    {
        Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Steps = steps, Layers = layers, Seed = 3, Prompt = "test",
        ClientRequestId = clientRequestId,
    };

    protected JobStream Submit(string token, DecomposeRequest request) =>
        new(Server.Client.Decompose(request, Artists.Bearer(token), cancellationToken: Cancellation));

    /// <summary>Submits and waits until the job is accepted, so the next submit is queued after it.</summary>
    protected async Task<JobStream> SubmitAcceptedAsync(string token, DecomposeRequest request)
    {
        var stream = Submit(token, request);
        await stream.UntilAsync(Kind.Accepted);
        return stream;
    }

    /// <summary>A job of a thousand steps that keeps the only worker busy until it is cancelled.</summary>
    protected async Task<JobStream> StartBlockerAsync(string token)
    {
        var stream = Submit(token, Request(steps: 1000));
        await stream.UntilAsync(Kind.Started);
        return stream;
    }

    protected Task<CancelResponse> CancelAsync(string token, string jobId) =>
        Server.Client.CancelAsync(new CancelRequest { JobId = jobId }, Artists.Bearer(token), cancellationToken: Cancellation).ResponseAsync;

    protected JobStream Attach(string token, string jobId, ulong afterSequence = 0) =>
        new(Server.Client.Attach(new AttachRequest { JobId = jobId, AfterSequence = afterSequence }, Artists.Bearer(token), cancellationToken: Cancellation));
}
