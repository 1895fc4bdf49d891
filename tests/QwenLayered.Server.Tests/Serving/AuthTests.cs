using Grpc.Core;
using Grpc.Health.V1;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Tests.Serving;

public class AuthTests(ModelServer server) : ServingTestBase(server), IClassFixture<ModelServer>
{
    [Fact]
    public async Task Decompose_WithoutAToken_IsUnauthenticated()
    {
        var call = Server.Client.Decompose(Request(), cancellationToken: Cancellation);

        var error = await Assert.ThrowsAsync<RpcException>(() => new JobStream(call).ToEndAsync());

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("authorization: Bearer", error.Status.Detail);
    }

    [Fact]
    public async Task GetServerInfo_WithAnUnknownToken_IsUnauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Server.Client.GetServerInfoAsync(new GetServerInfoRequest(), Artists.Bearer("stolen"), cancellationToken: Cancellation));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("not known to this server", error.Status.Detail);
    }

    [Fact]
    public async Task HealthCheck_WithoutAToken_AnswersServingForLoadBalancers()
    {
        var response = await new Health.HealthClient(Server.Channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
