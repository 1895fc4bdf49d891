using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs the built <c>qwenlayered</c> executable as a user would and talks to it over loopback.</summary>
public class ServeCommandTests(TinyModelFolder model)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_WithPortFlagsZero_ListensOnTheFreePortsItReports()
    {
        // Configuration names a port already taken, so the server starts only if the flags win over it.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var results = new TempResultsFolder();
        await using var server = await ServeProcess.StartAsync($"--model \"\" --device cpu --Limits:MaxSteps=42 --Jobs:ResultsFolder={results.Path} " +
            $"--Server:GrpcPort={takenPort} --Server:HttpPort={takenPort}");

        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);
        var info = await new Decomposer.DecomposerClient(channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);
        using var http = new HttpClient();
        var healthz = await http.GetAsync($"http://127.0.0.1:{server.HttpPort}/healthz", Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        Assert.False(info.Model.Loaded);
        Assert.Equal("cpu", info.Model.Device);
        Assert.Equal(42, info.Limits.MaxSteps);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
    }

    [Fact]
    public async Task Serve_WithModel_LoadsItAndAnswersServingWithItsName()
    {
        using var results = new TempResultsFolder();
        await using var server = await ServeProcess.StartAsync($"--device cpu --dtype fp32 " +
            $"--model {model.Path} --Engine:WorkingArea=4096 --Engine:TextEncoder=Unload --Jobs:ResultsFolder={results.Path}");

        await server.WaitUntilServingAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var info = await new Decomposer.DecomposerClient(channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);

        Assert.True(info.Model.Loaded);
        Assert.Equal(Path.GetFileName(model.Path), info.Model.Name);
        Assert.Equal("fp32", info.Model.Dtype);
    }

    [Fact]
    public async Task Serve_WithoutModelFlag_ServesTheDemoModel()
    {
        using var results = new TempResultsFolder();
        await using var server = await ServeProcess.StartAsync($"--device cpu --Jobs:ResultsFolder={results.Path}");

        await server.WaitUntilServingAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var info = await new Decomposer.DecomposerClient(channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);

        // The demo model was trained with the empty prompt at its profile's resolution: neither needs to be asked for.
        using var job = new JobStream(new Decomposer.DecomposerClient(channel).Decompose(
            new DecomposeRequest { Image = Google.Protobuf.ByteString.CopyFrom(TestImages.Png(256, 256)), Layers = 2, Steps = 2 },
            cancellationToken: Cancellation));
        var started = await job.UntilAsync(JobEvent.KindOneofCase.Started);
        var completed = await job.UntilAsync(JobEvent.KindOneofCase.Completed);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Decomposer.DecomposerClient(channel).Decompose(
            new DecomposeRequest { Image = Google.Protobuf.ByteString.CopyFrom(TestImages.Png(64, 64)), Steps = -1 },
            cancellationToken: Cancellation).ResponseStream.MoveNext(Cancellation));

        Assert.True(info.Model.Loaded);
        Assert.Equal("qwenlayered-demo", info.Model.Name);
        var profile = QwenLayered.Engine.ModelFolders.ModelProfile.Read(QwenLayered.Engine.ModelFolders.DemoModel.Find()!);
        int side = profile.DefaultResolution;
        // The model works at its own resolution; the layers come back on the image's canvas.
        await server.WaitForLineAsync(new Regex($"started on cpu: 2 layers, 2 steps, {side}x{side},"));
        Assert.Equal((256, 256, ""), (started.Started.Width, started.Started.Height, started.Started.Prompt));
        Assert.Equal(2, completed.Completed.LayerCount);
        Assert.Contains($"or 0 for the default ({profile.DefaultSteps})", refused.Status.Detail);
    }

    [Fact]
    public async Task Serve_OnEveryInterfaceWithoutTokens_RefusesToStartAndSaysWhy()
    {
        var run = await BuiltExecutables.RunAsync("qwenlayered", "serve --host 0.0.0.0 --grpc-port 0 --http-port 0 --device cpu");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Refusing to listen on 0.0.0.0: no API tokens are configured", run.Error);
    }

    [Fact]
    public async Task Info_PrintsVersionContractAndDevice()
    {
        var (exitCode, output, _) = await BuiltExecutables.RunAsync("qwenlayered", "info --device cpu");

        Assert.Equal(0, exitCode);
        Assert.Contains("contract    qwenlayered.v1", output);
        Assert.Contains("device      cpu", output);
        Assert.Matches(@"torch\s+TorchSharp \d", output);
    }
}
