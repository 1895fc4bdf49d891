using Grpc.Core;
using QwenLayered.Server.Tests.Hosting;

namespace QwenLayered.Server.Tests.Services;

/// <summary>Messages that are not valid protobuf, sent as raw bytes to the running server.</summary>
public class DecomposerBindingTests(RunningServer server) : IClassFixture<RunningServer>
{
    private const string Service = "qwenlayered.v1.Decomposer";
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<byte[], string> MalformedRequests => new()
    {
        // Field 1 (image) with a length whose varint never ends.
        { [0x0A, 0xFF], "the input ended unexpectedly" },
        // Field 3 (prompt): a UTF-8 lead byte without its continuation byte.
        { [0x1A, 0x02, 0xC3, 0x28], "String is invalid UTF-8" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task Decompose_MalformedMessage_IsInvalidArgumentSayingWhatIsWrong(byte[] message, string problem)
    {
        var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, Service, "Decompose", Raw, Raw);
        using var call = server.Channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, new CallOptions(cancellationToken: Cancellation), message);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Cancellation));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("The Decompose request is not a valid DecomposeRequest message", error.Status.Detail);
        Assert.Contains(problem, error.Status.Detail);
    }

    [Fact]
    public async Task Cancel_MalformedMessage_IsInvalidArgument()
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, Service, "Cancel", Raw, Raw);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(cancellationToken: Cancellation), [0x0A, 0xFF]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("The Cancel request is not a valid CancelRequest message", error.Status.Detail);
    }
}
