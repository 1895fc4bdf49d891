using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Google.Protobuf;
using Grpc.Reflection.V1Alpha;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Hosting;

public class ServerAppTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthCheck_WithoutModel_IsNotServing()
    {
        var health = new Health.HealthClient(server.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, response.Status);
    }

    [Fact]
    public async Task Healthz_OnTheHttp1Port_AnswersUnavailableWithoutModel()
    {
        var response = await server.Http.GetAsync("/healthz", Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
    }

    [Fact]
    public async Task StatusPage_OnTheHttp1Port_ShowsThePanelBridgeReachingThisServer()
    {
        var response = await server.Http.GetAsync("/", Cancellation);
        var html = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Server: http://127.0.0.1:{server.GrpcPort}/", html);
        Assert.Contains("Connected: server", html);
        Assert.Contains("no model loaded", html);
    }

    [Fact]
    public async Task Decompose_MessageLargerThanTheAdvertisedRequestLimit_IsResourceExhausted()
    {
        await using var small = new RunningServer { Settings = new Dictionary<string, string?> { ["Limits:MaxImageBytes"] = "1000" } };
        await small.InitializeAsync();
        var client = new Decomposer.DecomposerClient(small.Channel);
        var limits = (await client.GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation)).Limits;
        var request = new DecomposeRequest { Image = ByteString.CopyFrom(new byte[limits.MaxRequestBytes]) };

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAll(client.Decompose(request, cancellationToken: Cancellation)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public void Build_EveryInterfaceWithoutTokens_IsRefused()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([], new Dictionary<string, string?> { ["Server:Host"] = "0.0.0.0" }));

        Assert.Contains("no API tokens are configured", error.Message);
    }

    [Fact]
    public void Build_KestrelEndpoints_AreRefusedPointingAtTheServersOwnSettings()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([],
            new Dictionary<string, string?> { ["Kestrel:Endpoints:Open:Url"] = "http://0.0.0.0:0" }));

        Assert.StartsWith("Kestrel:Endpoints (Open) is not used by qwenlayered serve", error.Message);
    }

    [Fact]
    public async Task Start_HostingUrlsPreferredWithoutTokens_ListensOnlyOnTheServersLoopbackPorts()
    {
        await using var server = new RunningServer { Arguments = ["--urls", "http://0.0.0.0:0", "--preferHostingUrls", "true"] };
        await server.InitializeAsync();

        Assert.Equal(2, server.Urls.Count);
        Assert.All(server.Urls, url => Assert.StartsWith("http://127.0.0.1:", url));
    }

    [Fact]
    public async Task Start_Ipv4MappedLoopbackHost_ListensOnLoopback()
    {
        await using var mapped = new RunningServer { Settings = new Dictionary<string, string?> { ["Server:Host"] = "::ffff:127.0.0.1" } };
        await mapped.InitializeAsync();

        var info = await new Decomposer.DecomposerClient(mapped.Channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);

        Assert.Equal("qwenlayered.v1", info.ContractVersion);
        Assert.All(mapped.Urls, url => Assert.StartsWith("http://127.0.0.1:", url));
    }

    [Theory]
    [InlineData("32", "0", "Jobs:MaxQueuedPerArtist is 0; it must be from 1 to Jobs:QueueCapacity (32).")]
    [InlineData("32", "33", "Jobs:MaxQueuedPerArtist is 33; it must be from 1 to Jobs:QueueCapacity (32).")]
    [InlineData("0", "1", "Jobs:QueueCapacity is 0; it must be at least 1.")]
    public void Build_QueueBoundOutOfRange_IsRefusedSayingWhatItMayBe(string capacity, string perArtist, string message)
    {
        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([],
            new Dictionary<string, string?> { ["Jobs:QueueCapacity"] = capacity, ["Jobs:MaxQueuedPerArtist"] = perArtist }));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Build_NegativeStepCacheThreshold_IsRefusedSayingWhatItMayBe()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([],
            new Dictionary<string, string?> { ["Engine:StepCacheThreshold"] = "-0.5" }));

        Assert.StartsWith("Engine:StepCacheThreshold is -0.5; use 0 to run every transformer block every step", error.Message);
    }

    [Fact]
    public async Task Reflection_ListsTheDecomposerAndHealthServices()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Cancellation);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Cancellation);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Cancellation));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("qwenlayered.v1.Decomposer", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    private static async Task ReadAll(AsyncServerStreamingCall<JobEvent> call)
    {
        using (call)
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync(Cancellation)) { }
        }
    }
}
