using Google.Protobuf;
using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Services;

/// <summary>The Decomposer service of a server without a model, called straight (see <see cref="ComposedServer"/>).</summary>
public class DecomposerServiceTests(ComposedServer server) : IClassFixture<ComposedServer>
{
    private DirectDecomposer Decomposer => server.Decomposer;

    [Fact]
    public async Task GetServerInfo_WithoutModel_SaysNoModelAndReportsLimits()
    {
        var info = await Decomposer.GetServerInfoAsync(Artists.Ann);

        Assert.Equal("qwenlayered.v1", info.ContractVersion);
        Assert.False(string.IsNullOrEmpty(info.ServerVersion));
        Assert.False(info.Model.Loaded);
        Assert.Equal("cpu", info.Model.Device);
        Assert.Equal(ComposedServer.MaxLayers, info.Limits.MaxLayers);
        Assert.True(info.Limits.MaxSteps > 0);
        Assert.Equal(0, info.QueueLength);
        Assert.Equal((32, 16), (info.Limits.QueueCapacity, info.Limits.MaxQueuedPerArtist));
        Assert.Equal(8192, info.Limits.MaxPromptBytes);
        // An image and a mask of 64 MiB each, two prompts and 64 KiB for the rest.
        Assert.Equal(2 * info.Limits.MaxImageBytes + 2 * 8192 + 64 * 1024, info.Limits.MaxRequestBytes);
    }

    [Fact]
    public async Task GetServerInfo_WithAnUnknownToken_IsUnauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Decomposer.GetServerInfoAsync("stolen"));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("not known to this server", error.Status.Detail);
    }

    [Fact]
    public async Task Decompose_InvalidRequest_IsRefusedWithInvalidArgument()
    {
        var request = new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.PngHeader), Layers = ComposedServer.MaxLayers + 1 };

        using var call = Decomposer.Decompose(Artists.Ann, request);
        var error = await Assert.ThrowsAsync<RpcException>(call.ToEndAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"1 to {ComposedServer.MaxLayers} layers", error.Status.Detail);
        Assert.Empty(call.Events);
    }

    [Fact]
    public async Task Decompose_ValidRequestWithoutModel_IsUnavailable()
    {
        var request = new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.PngHeader), Layers = 4 };

        using var call = Decomposer.Decompose(Artists.Ann, request);
        var error = await Assert.ThrowsAsync<RpcException>(call.ToEndAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("No model is loaded", error.Status.Detail);
    }

    [Fact]
    public async Task AttachAndCancel_UnknownJob_AreNotFound()
    {
        using var attach = Decomposer.Attach(Artists.Ann, "nope");
        var attachError = await Assert.ThrowsAsync<RpcException>(attach.ToEndAsync);
        var cancelError = await Assert.ThrowsAsync<RpcException>(() => Decomposer.CancelAsync(Artists.Ann, "nope"));

        Assert.Equal(StatusCode.NotFound, attachError.StatusCode);
        Assert.Equal(StatusCode.NotFound, cancelError.StatusCode);
        Assert.Contains("'nope'", cancelError.Status.Detail);
    }
}
