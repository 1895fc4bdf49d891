using System.Diagnostics;
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
    public async Task Serve_WithPortFlags_AnswersHealthAndServerInfoOnThosePorts()
    {
        int grpcPort = FreePort.Next(), httpPort = FreePort.Next();
        using var results = new TempResultsFolder();
        using var server = StartExecutable($"serve --grpc-port {grpcPort} --http-port {httpPort} --device cpu --Limits:MaxSteps=42 --Jobs:ResultsFolder={results.Path}");
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var health = await WaitForHealthAsync(new Health.HealthClient(channel), server);
            var info = await new Decomposer.DecomposerClient(channel)
                .GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);
            using var http = new HttpClient();
            var healthz = await http.GetAsync($"http://127.0.0.1:{httpPort}/healthz", Cancellation);

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
            Assert.False(info.Model.Loaded);
            Assert.Equal("cpu", info.Model.Device);
            Assert.Equal(42, info.Limits.MaxSteps);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Serve_WithModel_LoadsItAndAnswersServingWithItsName()
    {
        int grpcPort = FreePort.Next(), httpPort = FreePort.Next();
        using var results = new TempResultsFolder();
        using var server = StartExecutable($"serve --grpc-port {grpcPort} --http-port {httpPort} --device cpu --dtype fp32 " +
            $"--model {model.Path} --Engine:WorkingArea=4096 --Jobs:ResultsFolder={results.Path}");
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var health = new Health.HealthClient(channel);
            while ((await WaitForHealthAsync(health, server)).Status != HealthCheckResponse.Types.ServingStatus.Serving)
                await Task.Delay(100, Cancellation);
            var info = await new Decomposer.DecomposerClient(channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: Cancellation);

            Assert.True(info.Model.Loaded);
            Assert.Equal(Path.GetFileName(model.Path), info.Model.Name);
            Assert.Equal("fp32", info.Model.Dtype);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Serve_OnEveryInterfaceWithoutTokens_RefusesToStartAndSaysWhy()
    {
        using var server = StartExecutable($"serve --host 0.0.0.0 --grpc-port {FreePort.Next()} --http-port {FreePort.Next()} --device cpu");
        string error = await server.StandardError.ReadToEndAsync(Cancellation);
        await server.WaitForExitAsync(Cancellation);

        Assert.Equal(2, server.ExitCode);
        Assert.Contains("Refusing to listen on 0.0.0.0: no API tokens are configured", error);
    }

    [Fact]
    public async Task Info_PrintsVersionContractAndDevice()
    {
        using var info = StartExecutable("info --device cpu");
        string output = await info.StandardOutput.ReadToEndAsync(Cancellation);
        await info.WaitForExitAsync(Cancellation);

        Assert.Equal(0, info.ExitCode);
        Assert.Contains("contract    qwenlayered.v1", output);
        Assert.Contains("device      cpu", output);
        Assert.Matches(@"torch\s+TorchSharp \d", output);
    }

    private static Process StartExecutable(string arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "qwenlayered"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        return Process.Start(start)!;
    }

    /// <summary>Polls until the server answers (it starts in a second or two), or fails with what it printed.</summary>
    private static async Task<HealthCheckResponse> WaitForHealthAsync(Health.HealthClient health, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: Cancellation);
            }
            catch (RpcException) when (DateTime.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(100, Cancellation);
            }
            catch (RpcException) when (server.HasExited)
            {
                Assert.Fail($"qwenlayered serve exited with {server.ExitCode}: {await server.StandardError.ReadToEndAsync(Cancellation)}");
            }
        }
    }
}
