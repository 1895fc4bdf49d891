using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace QwenLayered.Server.Tests;

/// <summary><c>qwenlayered serve</c> running as a process on free ports (port 0), which it says once it listens.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    // The server's startup line: "Listening without TLS (plain text): gRPC on http://127.0.0.1:40001, the panel WebSocket, ... on http://127.0.0.1:40002".
    private static readonly Regex Listening = new(@"gRPC on \S+:(?<grpc>\d+), .+ on \S+:(?<http>\d+)$");

    private readonly RunningExecutable _executable;

    private ServeProcess(RunningExecutable executable, Match listening)
    {
        _executable = executable;
        GrpcPort = int.Parse(listening.Groups["grpc"].Value);
        HttpPort = int.Parse(listening.Groups["http"].Value);
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public string GrpcAddress => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>What it printed so far, for a failing test's message.</summary>
    public string Output => _executable.Output;

    /// <param name="arguments">Everything after <c>serve</c> but the ports.</param>
    /// <param name="grpcPort">0 for a free port; a restart passes the ports it had.</param>
    public static async Task<ServeProcess> StartAsync(string arguments, int grpcPort = 0, int httpPort = 0)
    {
        var executable = RunningExecutable.Start("qwenlayered", $"serve --grpc-port {grpcPort} --http-port {httpPort} {arguments}");
        try
        {
            return new ServeProcess(executable, await executable.WaitForLineAsync(Listening));
        }
        catch
        {
            await executable.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls health until SERVING: the server listens first and loads its model in the background.</summary>
    public async Task WaitUntilServingAsync()
    {
        using var channel = GrpcChannel.ForAddress(GrpcAddress);
        var health = new Health.HealthClient(channel);
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hung.CancelAfter(Deadlines.Hung);
        try
        {
            while ((await health.CheckAsync(new HealthCheckRequest(), cancellationToken: hung.Token)).Status != HealthCheckResponse.Types.ServingStatus.Serving)
                await Task.Delay(100, hung.Token);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"qwenlayered serve was not SERVING within {Deadlines.Hung}: {e.Message}\n{Output}");
        }
    }

    /// <inheritdoc cref="RunningExecutable.Signal"/>
    public void Signal(int signal) => _executable.Signal(signal);

    /// <summary>The first line of the server's output that matches, waiting for it.</summary>
    public Task<Match> WaitForLineAsync(Regex pattern) => _executable.WaitForLineAsync(pattern);

    /// <inheritdoc cref="RunningExecutable.WaitForExitAsync"/>
    public Task<int> WaitForExitAsync() => _executable.WaitForExitAsync();

    public ValueTask DisposeAsync() => _executable.DisposeAsync();
}
