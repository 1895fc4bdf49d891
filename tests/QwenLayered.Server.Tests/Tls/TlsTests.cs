using System.Net.Http;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.Bridge;
using QwenLayered.Bridge.Protocol;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Tests.Hosting;
using QwenLayered.Server.Tests.Serving;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Tls;

/// <summary>TLS configured as docs/deploy.md says: Kestrel:Certificates:Default, on both ports.</summary>
public class TlsTests(TestCertificates certificates, TinyModelFolder model) : IClassFixture<TestCertificates>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetServerInfo_PemCertificate_AnswersAClientThatTrustsOnlyTheCa()
    {
        await using var server = await StartAsync(certificates.PemSettings());
        using var channel = TrustingChannel(server);

        var info = await new Decomposer.DecomposerClient(channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);

        Assert.Equal("qwenlayered.v1", info.ContractVersion);
        Assert.All(server.Urls, url => Assert.StartsWith("https://", url));
    }

    [Fact]
    public async Task Decompose_PfxCertificate_RunsAJobOverTls()
    {
        var settings = certificates.PfxSettings();
        settings["Engine:Model"] = model.Path;
        settings["Engine:Dtype"] = "fp32";
        settings["Engine:WorkingArea"] = (64 * 64).ToString();
        await using var server = await StartAsync(settings);
        await server.Services.GetRequiredService<ModelHost>().Ready.WaitAsync(Deadlines.Hung, Cancellation);
        using var channel = TrustingChannel(server);
        var request = new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Layers = 1, Steps = 1, Seed = 3 };

        using var job = new JobStream(new Decomposer.DecomposerClient(channel).Decompose(request, cancellationToken: Cancellation));
        var events = await job.ToEndAsync();

        Assert.Equal(Kind.Completed, events[^1].KindCase);
        Assert.Single(job.OfKind(Kind.Layer));
    }

    [Fact]
    public async Task PlainTextClients_WithTls_AreRefusedOnBothPorts()
    {
        await using var server = await StartAsync(certificates.PemSettings());
        using var plainChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
        using var plainHttp = new HttpClient();

        var grpc = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Decomposer.DecomposerClient(plainChannel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation));
        await Assert.ThrowsAsync<HttpRequestException>(() => plainHttp.GetAsync($"http://127.0.0.1:{server.HttpPort}/healthz", Cancellation));

        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
    }

    [Fact]
    public async Task Panel_WithTls_IsWelcomedOverWss()
    {
        await using var server = await StartAsync(certificates.PemSettings());
        using var panel = await PanelSocket.ConnectAsync(new Uri($"wss://127.0.0.1:{server.HttpPort}/panel"),
            (_, certificate, _, errors) => certificates.Validate(certificate, errors));

        await panel.SendAsync(new HelloMessage(PanelProtocol.Version));

        var welcome = Assert.IsType<WelcomeMessage>(await panel.ReceiveAsync());
        Assert.Equal("qwenlayered.v1", welcome.Server.ContractVersion);
    }

    [Fact]
    public void Build_CertificateFileMissing_IsRefusedNamingIt()
    {
        var settings = certificates.PfxSettings();
        settings["Kestrel:Certificates:Default:Path"] = certificates.PfxPath + ".missing";

        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([], settings));

        Assert.StartsWith($"Kestrel:Certificates:Default:Path '{certificates.PfxPath}.missing' cannot be read", error.Message);
    }

    [Fact]
    public void Build_WrongPfxPassword_IsRefusedSayingSo()
    {
        var settings = certificates.PfxSettings();
        settings["Kestrel:Certificates:Default:Password"] = "wrong";

        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([], settings));

        Assert.StartsWith($"Kestrel:Certificates:Default:Path '{certificates.PfxPath}' does not open with Kestrel:Certificates:Default:Password", error.Message);
    }

    [Fact]
    public void Build_KeyOfAnotherCertificate_IsRefusedSayingTheyDoNotMatch()
    {
        var settings = certificates.PemSettings();
        settings["Kestrel:Certificates:Default:KeyPath"] = certificates.OtherKeyPath;

        var error = Assert.Throws<ServerConfigurationException>(() => ServerApp.Build([], settings));

        Assert.StartsWith($"Kestrel:Certificates:Default:KeyPath '{certificates.OtherKeyPath}' is not the private key of", error.Message);
    }

    [Fact]
    public async Task Start_WithTls_SaysSoWhenListening()
    {
        await using var server = await StartAsync(certificates.PemSettings());

        Assert.Matches(@"Listening with TLS: gRPC on https://127\.0\.0\.1:\d+, .+ on https://127\.0\.0\.1:\d+", string.Join('\n', server.Log.Messages));
    }

    [Fact]
    public async Task Serve_WithAWrongCertificatePassword_ExitsWith2AndSaysWhy()
    {
        var run = await BuiltExecutables.RunAsync("qwenlayered", "serve --grpc-port 0 --http-port 0 --model \"\" --device cpu " +
            $"--Kestrel:Certificates:Default:Path={certificates.PfxPath} --Kestrel:Certificates:Default:Password=wrong");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not open with Kestrel:Certificates:Default:Password", run.Error);
    }

    private static async Task<RunningServer> StartAsync(Dictionary<string, string?> settings)
    {
        var server = new RunningServer { Settings = settings };
        await server.InitializeAsync();
        return server;
    }

    private GrpcChannel TrustingChannel(RunningServer server) =>
        GrpcChannel.ForAddress($"https://127.0.0.1:{server.GrpcPort}", new GrpcChannelOptions { HttpHandler = certificates.TrustingHandler() });
}
