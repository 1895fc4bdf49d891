using Grpc.Core;
using Grpc.Health.V1;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Tests.Serving;

[Collection(SharedModelServer.Name)]
public class AuthTests(ModelServer server) : ServingTestBase(server)
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
    public async Task HealthCheck_WithoutAToken_AnswersServingForLoadBalancers()
    {
        var response = await new Health.HealthClient(Server.Channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
